package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.inbound.JdkHttpServerBounds;
import ai.maestro.auth.adapter.outbound.http.HttpWarmUp;
import ai.maestro.auth.adapter.outbound.persistence.AnswersInFlight;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.adapter.outbound.persistence.StoreWarmUp;
import java.time.Duration;

/** What a maestro-auth command-line process sets up for itself: the JDK server bounds, and what it does when asked to stop. */
public final class ProcessSetup {
    private ProcessSetup() {
    }

    /**
     * A refresh in flight has spent its refresh token the moment the provider received it, so its
     * answer is made durable (at most {@code bound}) before the JVM exits.
     */
    public static void keepRefreshAnswers(Duration bound) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AnswersInFlight.awaitSettled(bound),
                "maestro-auth-keep-answer"));
    }

    /** The JDK HTTP server's JVM-wide bounds (callback listener, token host), unless given with -D. */
    public static void boundHttpServers() {
        JdkHttpServerBounds.applyUnlessSet();
    }

    /**
     * Warms what the first store visit of this process will need, on another core, while the command
     * line and the wiring are built (see {@link StoreWarmUp}); for a command that opens the store.
     */
    public static void warmUpStore() {
        try {
            StoreWarmUp.start(PersistenceSettings.fromEnvironment(System.getenv()).jdbcUrl().isEmpty());
        } catch (RuntimeException invalidSettings) {
            // The command reports them itself, with what to do.
        }
    }

    /** For a login: warms the HTTP client and the token answer's path on another core (see {@link HttpWarmUp}). */
    public static void warmUpHttp() {
        HttpWarmUp.start();
    }
}

package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.persistence.AnswersInFlight;
import java.time.Duration;

/** What a maestro-auth process does when asked to stop (SIGTERM, SIGINT). */
public final class ShutdownHooks {
    private ShutdownHooks() {
    }

    /**
     * A refresh in flight has spent its refresh token the moment the provider received it, so its
     * answer is made durable (at most {@code bound}) before the JVM exits.
     */
    public static void keepRefreshAnswers(Duration bound) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AnswersInFlight.awaitSettled(bound),
                "maestro-auth-keep-answer"));
    }
}

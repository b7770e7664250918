package ai.maestro.auth.app.observe;

import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.RefreshTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * maestro-auth's meters on a Micrometer registry. Tags carry the provider and the account's label,
 * never an account id, an e-mail, a token or a URL. The two gauges read the store's rows (no
 * decryption), at most once a second however often they are scraped, so that another process's
 * login or relogin mark shows within a second or two.
 */
public final class MicrometerEvents implements AuthEvents, ai.maestro.auth.application.port.outbound.HostEvents {
    static final String REFRESH = "maestro.auth.refresh";
    static final String EXPIRY = "maestro.auth.token.expiry";
    static final String RELOGIN = "maestro.auth.relogin.required";
    static final String REJECTED = "maestro.auth.requests.rejected";
    static final String LOGIN = "maestro.auth.login";
    static final String HOST = "maestro.auth.host.requests";
    private static final Duration SNAPSHOT_AGE = Duration.ofSeconds(1);

    private final MeterRegistry registry;
    private final CredentialRows rows;
    private final Clock clock;
    private final Set<CredentialKey> gauged = ConcurrentHashMap.newKeySet();
    /** Each account's label as first seen: a meter's tags never change, and events never wait on the store twice. */
    private final Map<CredentialKey, String> labels = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(Instant.EPOCH, Map.of());

    private record Snapshot(Instant taken, Map<CredentialKey, CredentialSummary> rows) {
    }

    public MicrometerEvents(MeterRegistry registry, CredentialRows rows, Clock clock) {
        this.registry = registry;
        this.rows = rows;
        this.clock = clock;
    }

    private boolean detached() {
        return Registries.detached(registry);
    }

    @Override
    public void refreshEnded(CredentialKey key, RefreshTrigger trigger, RefreshRecord record, Duration took) {
        if (detached()) {
            return;
        }
        Timer.builder(REFRESH).description("Refreshes this process sent, by how they ended")
                .tags(credentialTags(key)).tag("outcome", record.outcome().tag()).tag("trigger", trigger.tag())
                .register(registry).record(took);
        gauge(key);
    }

    @Override
    public void requestRejected(ProviderId provider, boolean recovered) {
        if (detached()) {
            return;
        }
        Counter.builder(REJECTED).description("API requests answered 401 to the interceptor")
                .tag("provider", provider.cliName()).tag("recovered", String.valueOf(recovered))
                .register(registry).increment();
    }

    @Override
    public void loginEnded(ProviderId provider, String flow, String outcome, Duration took) {
        if (detached()) {
            return;
        }
        Counter.builder(LOGIN).description("Logins, by flow and outcome").tag("provider", provider.cliName())
                .tag("flow", flow).tag("outcome", outcome).register(registry).increment();
        // The new credential's gauges, once the store lists it.
        current().keySet().stream().filter(k -> k.provider() == provider).forEach(this::gauge);
    }

    @Override
    public void hostStarted(int port) {
        // Counted by its requests.
    }

    @Override
    public void hostStopped(int port) {
        // Counted by its requests.
    }

    @Override
    public void hostRequest(String provider, String outcome) {
        if (detached()) {
            return;
        }
        Counter.builder(HOST).description("Token host requests, by provider and outcome (served, or why not)")
                .tag("provider", provider).tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void loggedOut(CredentialKey key) {
        // Its gauges read NaN from now on: the row is gone.
    }

    @Override
    public void reloginMarked(CredentialKey key, String reason) {
        if (!detached()) {
            gauge(key);
        }
    }

    /** Registers the gauges of every stored credential (an embedder calls it once at start; health checks too). */
    public void gaugeEveryCredential() {
        if (!detached()) {
            current().keySet().forEach(this::gauge);
        }
    }

    private void gauge(CredentialKey key) {
        if (!gauged.add(key)) {
            return;
        }
        Tags tags = credentialTags(key);
        if (registry.find(EXPIRY).tags(tags).gauge() != null) {
            // Another injector of this JVM registered it on the same (global) registry.
            return;
        }
        Gauge.builder(EXPIRY, this, meters -> meters.row(key).flatMap(CredentialSummary::expiresAt)
                        .map(at -> (double) Duration.between(clock.instant(), at).toSeconds()).orElse(Double.NaN))
                .description("Seconds until the stored access token expires").baseUnit("seconds").tags(tags)
                .register(registry);
        Gauge.builder(RELOGIN, this, meters -> meters.row(key).map(r -> r.reloginRequired() ? 1.0 : 0.0)
                        .orElse(Double.NaN))
                .description("1 when the credential needs a new login").tags(tags).register(registry);
    }

    private Tags credentialTags(CredentialKey key) {
        return Tags.of("provider", key.provider().cliName(), "account", labels.computeIfAbsent(key,
                k -> row(k).map(CredentialSummary::label).orElse(k.accountName())));
    }

    private Optional<CredentialSummary> row(CredentialKey key) {
        return Optional.ofNullable(current().get(key));
    }

    /** The store's rows as of at most a second ago; the last good reading when the store fails. */
    private Map<CredentialKey, CredentialSummary> current() {
        Snapshot seen = snapshot;
        Instant now = clock.instant();
        if (Duration.between(seen.taken(), now).compareTo(SNAPSHOT_AGE) < 0) {
            return seen.rows();
        }
        try {
            List<CredentialSummary> listed = rows.list();
            Map<CredentialKey, CredentialSummary> byKey = listed.stream()
                    .collect(Collectors.toMap(CredentialSummary::key, Function.identity(), (a, b) -> a));
            snapshot = new Snapshot(now, byKey);
            return byKey;
        } catch (RuntimeException unreadable) {
            snapshot = new Snapshot(now, seen.rows());
            return seen.rows();
        }
    }
}

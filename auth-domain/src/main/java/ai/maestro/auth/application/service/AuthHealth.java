package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialHealth;
import ai.maestro.auth.domain.CredentialHealth.Status;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.HealthReport;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.AuthException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The health check an orchestrator puts behind its own {@code /health}: computed from the store's
 * rows (their marks, expiry, last refresh and refreshes not stored), never by calling a provider.
 */
public final class AuthHealth {
    private final CredentialRows rows;
    private final Clock clock;
    private final TokenLifecyclePolicy policy;

    public AuthHealth(CredentialRows rows, Clock clock, TokenLifecyclePolicy policy) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Every stored credential's health; {@code DOWN} with the store's own message when it cannot be read. */
    public HealthReport check() {
        List<CredentialSummary> summaries;
        try {
            summaries = rows.list();
        } catch (AuthException e) {
            return new HealthReport(Status.DOWN, "the credential store cannot be read: " + e.getMessage(),
                    List.of());
        }
        return check(summaries);
    }

    /** The health of {@code summaries}, as listed a moment ago. */
    public HealthReport check(List<CredentialSummary> summaries) {
        Instant now = clock.instant();
        List<CredentialHealth> all = new ArrayList<>();
        Status overall = Status.UP;
        String worstReason = summaries.isEmpty() ? "nothing is stored" : "every credential is up";
        for (CredentialSummary summary : summaries) {
            CredentialHealth health = of(summary, now);
            all.add(health);
            if (health.status().compareTo(overall) > 0) {
                overall = health.status();
                worstReason = health.key().provider().cliName() + " " + health.label() + ": " + health.reason();
            }
        }
        return new HealthReport(overall, worstReason, all);
    }

    private CredentialHealth of(CredentialSummary row, Instant now) {
        String provider = row.provider().cliName();
        String login = "Run: maestro-auth login " + provider + " --account " + row.label();
        Optional<SavedAuthentication> saved;
        try {
            // Decrypting proves the key is there and the row intact; no provider is asked anything.
            saved = rows.find(row.key());
        } catch (AuthException unreadable) {
            return health(row, Status.DOWN, "it cannot be read: " + unreadable.getMessage(), "");
        }
        if (row.reloginRequired()) {
            return health(row, Status.DOWN, "the provider refused its sign-in for good", login);
        }
        if (row.unstoredRefresh().isPresent()) {
            return health(row, Status.DEGRADED, "a refresh by " + row.unstoredRefresh().get().holder()
                    + " has not stored its result", "Run `maestro-auth token " + provider + "` on that machine.");
        }
        Optional<RefreshRecord> last = row.lastRefresh();
        if (last.isPresent() && last.get().outcome().failed() && !last.get().at().isBefore(row.updatedAt())) {
            RefreshRecord failed = last.get();
            return health(row, Status.DEGRADED, "the last refresh failed " + ago(failed.at(), now) + ": "
                    + failed.reason().orElse(failed.outcome().tag()), "It is tried again on the next request;"
                    + " if it keeps failing, check the network and `maestro-auth status`.");
        }
        if (row.authType() == AuthType.OAUTH && row.expiresAt().isPresent()
                && row.expiresAt().get().isBefore(now.plus(policy.skew())) && !refreshable(saved)) {
            boolean expired = !row.expiresAt().get().isAfter(now);
            return health(row, expired ? Status.DOWN : Status.DEGRADED, expired ? "it expired and cannot be"
                    + " refreshed" : "it expires in " + ago(now, row.expiresAt().get()).replace(" ago", "")
                    + " and cannot be refreshed", login);
        }
        return health(row, Status.UP, last.filter(r -> !r.outcome().failed())
                .map(r -> "refreshed " + ago(r.at(), now)).orElse("stored"), "");
    }

    private static boolean refreshable(Optional<SavedAuthentication> saved) {
        return saved.map(row -> row.credential() instanceof OAuthToken token && token.isRefreshable()).orElse(false);
    }

    private static CredentialHealth health(CredentialSummary row, Status status, String reason, String next) {
        return new CredentialHealth(row.key(), row.label(), status, reason, next);
    }

    private static String ago(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        return seconds < 120 ? seconds + " s ago" : seconds / 60 + " min ago";
    }
}

package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.ReadStatusUseCase;
import ai.maestro.auth.application.port.inbound.StoreStatus;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.StoreKeys;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialHealth;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What status shows: read in one visit of the store (one open of an embedded one), never a secret. */
public final class StatusService implements ReadStatusUseCase {
    private final CredentialRows rows;
    private final AuthHealth health;
    private final StoreKeys keys;

    public StatusService(CredentialRows rows, AuthHealth health, StoreKeys keys) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.health = Objects.requireNonNull(health, "health");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public StoreStatus status() {
        return rows.inOneVisit(() -> {
            List<CredentialSummary> summaries = rows.list();
            // The same answer an embedder's health check gives, from the same rows.
            Map<CredentialKey, CredentialHealth> healthOf = new HashMap<>();
            health.check(summaries).credentials().forEach(h -> healthOf.put(h.key(), h));
            List<StoreStatus.Entry> entries = new ArrayList<>();
            for (CredentialSummary summary : summaries) {
                entries.add(entry(summary, healthOf.get(summary.key())));
            }
            return new StoreStatus(entries, rows.unrecognizedRows(), keys.describeKeySource());
        });
    }

    private StoreStatus.Entry entry(CredentialSummary summary, CredentialHealth health) {
        try {
            // An API key has no id_token: its account's sign-in says who it belongs to.
            Optional<OAuthToken> token = rows.find(summary.key().withAuthType(AuthType.OAUTH))
                    .flatMap(SavedAuthentication::oauthToken);
            boolean refreshable = summary.authType() == AuthType.OAUTH
                    && token.map(OAuthToken::isRefreshable).orElse(false);
            return new StoreStatus.Entry(summary, token.flatMap(OAuthToken::idTokenClaims), refreshable,
                    Optional.empty(), health);
        } catch (CredentialStoreException e) {
            return new StoreStatus.Entry(summary, Optional.empty(), false,
                    Optional.of(new StoreStatus.Unreadable(e.keyId())), health);
        }
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.token.AccountIdentity;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SavedAuthentication;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The rows of the table before accounts ({@code saved_authentications}, one per provider and auth
 * type), moved into their accounts on the first open with the key.
 */
final class RowsFromBeforeAccounts {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RowsFromBeforeAccounts.class);

    private final StoreConnections connections;
    private final StoreAccess access;
    private final CredentialCipher cipher;
    private final CredentialCodec codec;
    private final java.time.Clock clock;

    RowsFromBeforeAccounts(StoreConnections connections, StoreAccess access, CredentialCipher cipher, CredentialCodec codec,
                           java.time.Clock clock) {
        this.clock = clock;
        this.connections = connections;
        this.access = access;
        this.cipher = cipher;
        this.codec = codec;
    }

    /**
     * Moves each row of the table before accounts (one per provider and auth type) into its account:
     * the account id and label come from the stored id_token (the provider's unnamed account when it
     * has none), the first becomes the provider's default, an API key joins its provider's sign-in.
     * The old row is renamed, not deleted, so an older release shows it as unknown and leaves it
     * alone. A row that cannot be decrypted (no key yet) is left for a later open.
     */
    void adoptAll() {
        List<Map<String, Object>> legacy = connections.read(StoreSql.LEGACY, StoreConnections::row);
        for (Map<String, Object> row : legacy) {
            Optional<Map.Entry<ProviderId, AuthType>> identity = StoreRows.known(String.valueOf(row.get("provider")),
                    String.valueOf(row.get("auth_type")));
            if (identity.isEmpty()) {
                continue; // a newer version's row: left alone
            }
            try {
                adopt(identity.get().getKey(), identity.get().getValue(), row);
            } catch (RuntimeException e) {
                LOG.debug("A {} {} row from before accounts was not moved yet ({})", identity.get().getKey().cliName(),
                        identity.get().getValue(), e.getClass().getSimpleName());
            }
        }
    }

    private void adopt(ProviderId provider, AuthType authType, Map<String, Object> row) {
        long version = ((Number) row.get("version")).longValue();
        byte[] plaintext = cipher.decryptLegacy(provider, authType, version, (byte[]) row.get("credentials"));
        Credential credential;
        try {
            credential = codec.decode(plaintext);
        } catch (IOException e) {
            throw new IllegalStateException("not a credential document", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        connections.jdbi().useTransaction(h -> {
            String moved = provider.name() + "~moved";
            h.createUpdate(StoreSql.FORGET_MOVED).bind("moved", moved).bind("authType", authType.name()).execute();
            int claimed = h.createUpdate(StoreSql.MARK_MOVED).bind("moved", moved).bind("provider", provider.name())
                    .bind("authType", authType.name()).bind("version", version).execute();
            if (claimed == 0) {
                return; // another process moved it first
            }
            Account account = credential instanceof OAuthToken token
                    ? adoptAccount(h, provider, AccountIdentity.of(token))
                    : StoreRows.accountsOf(h, provider).stream().filter(Account::isDefault).findFirst()
                            .orElseGet(() -> adoptAccount(h, provider, new AccountIdentity(AccountIdentity.UNNAMED,
                                    Optional.empty(), Optional.empty())));
            Object reason = row.get("relogin_reason");
            SavedAuthentication adopted = new SavedAuthentication(account.key(authType), credential,
                    toInstant(row.get("created_at")), toInstant(row.get("updated_at")), 0,
                    reason == null ? Optional.empty() : Optional.of(new ReloginMark(String.valueOf(reason),
                            toInstant(row.get("relogin_since")))));
            long current = StoreRows.currentVersion(h, adopted.key());
            SavedAuthentication candidate = adopted.withVersion(current);
            byte[] ciphertext = codec.seal(cipher, candidate);
            StoreRows.bindRow(h.createUpdate(current == 0 ? StoreSql.INSERT : StoreSql.UPDATE), candidate, ciphertext)
                    .bind("expected", current).execute();
            access.changed(h);
        });
    }

    private Account adoptAccount(Handle h, ProviderId provider, AccountIdentity identity) {
        Optional<Account> known = StoreRows.accountOf(h, provider, identity.accountId());
        if (known.isPresent()) {
            return known.get();
        }
        String label = Account.uniqueLabel(StoreRows.accountsOf(h, provider),
                identity.suggestedLabel(provider));
        h.createUpdate(StoreSql.INSERT_ACCOUNT).bind("provider", provider.name()).bind("account", identity.accountId())
                .bind("label", label).bind("createdAt", StoreRows.utc(clock.instant())).execute();
        return StoreRows.accountOf(h, provider, identity.accountId()).orElseThrow();
    }

    private static Instant toInstant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof java.time.temporal.TemporalAccessor t) {
            return Instant.from(t);
        }
        throw new IllegalStateException("unexpected time value " + value.getClass().getSimpleName());
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.UnstoredRefresh;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/** The credential rows: one per (provider, account, auth type), encrypted, written by compare-and-swap. */
final class JdbiCredentialRows implements CredentialRows {
    private final StoreGate gate;
    private final CredentialCipher cipher;
    private final CredentialCodec codec;
    private final CredentialRowMapper mapper;
    private final JdbiAccountDirectory accounts;

    JdbiCredentialRows(StoreGate gate, CredentialCipher cipher, CredentialCodec codec, JdbiAccountDirectory accounts) {
        this.gate = gate;
        this.cipher = cipher;
        this.codec = codec;
        this.mapper = new CredentialRowMapper(cipher, codec);
        this.accounts = accounts;
    }

    @Override
    public Optional<SavedAuthentication> find(CredentialKey key) {
        return gate.visit(() -> StoreRows.find(gate.connections(), key, rs -> mapper.read(rs, key)));
    }

    @Override
    public SaveResult save(SavedAuthentication candidate) {
        byte[] ciphertext = codec.seal(cipher, candidate);
        long next = candidate.version() + 1;
        return gate.visit(() -> gate.jdbi().withHandle(h -> {
            int rows = candidate.version() == 0 ? insertIfAbsent(h, candidate, ciphertext)
                    : StoreRows.bindRow(h.createUpdate(StoreSql.UPDATE), candidate, ciphertext)
                    .bind("expected", candidate.version()).execute();
            if (rows == 1) {
                gate.access().changed(h);
                return new SaveResult.Saved(candidate.withVersion(next));
            }
            return new SaveResult.Conflict(StoreRows.currentVersion(h, candidate.key()));
        }));
    }

    /** A plain insert: in autocommit a unique violation aborts nothing, and it tells us another writer won. */
    private int insertIfAbsent(Handle h, SavedAuthentication candidate, byte[] ciphertext) {
        CredentialKey key = candidate.key();
        if (StoreRows.accountOf(h, key.provider(), key.account()).isEmpty()) {
            // Saved without registering its account first (an embedder's own write): the account gets
            // a label from its tag, which `login --account` can change.
            accounts.register(h, key.provider(), key.account(), key.accountName());
        }
        try {
            return StoreRows.bindRow(h.createUpdate(StoreSql.INSERT), candidate, ciphertext).execute();
        } catch (JdbiException e) {
            if (StoreRows.isUniqueViolation(e)) {
                return 0;
            }
            throw e;
        }
    }

    @Override
    public boolean delete(CredentialKey key) {
        return gate.visit(() -> gate.jdbi().inTransaction(h -> {
            boolean deleted = StoreRows.bindKey(h.createUpdate(StoreSql.DELETE), key).execute() > 0;
            if (deleted) {
                long left = h.createQuery(StoreSql.ACCOUNT_CREDENTIALS).bind("provider", key.provider().name())
                        .bind("account", key.account()).mapTo(Long.class).one();
                if (left == 0) {
                    h.createUpdate(StoreSql.DELETE_ACCOUNT).bind("provider", key.provider().name())
                            .bind("account", key.account()).execute();
                    h.createUpdate(StoreSql.PROMOTE_OLDEST).bind("provider", key.provider().name()).execute();
                }
                gate.access().changed(h);
            }
            return deleted;
        }));
    }

    @Override
    public List<CredentialSummary> list() {
        List<CredentialSummary> rows = gate.visit(() -> gate.connections().read(StoreSql.LIST, StoreRows::summary))
                .stream().filter(Objects::nonNull).toList();
        Map<String, UnstoredRefresh> unstored = gate.visit(gate.access()::unstoredRefreshes);
        if (unstored.isEmpty()) {
            return rows;
        }
        // The lease guards the account's sign-in: shown on its OAuth row.
        return rows.stream().map(row -> row.authType() == AuthType.OAUTH
                ? row.withUnstoredRefresh(Optional.ofNullable(unstored.get(row.key().accountName()))) : row).toList();
    }

    @Override
    public void checkReadyForLogin(ProviderId provider) {
        // The rows a login may replace must be readable (the key is there, nothing was altered).
        inOneVisit(() -> {
            accounts.accounts(provider).forEach(account -> find(account.key(AuthType.OAUTH)));
            return null;
        });
        cipher.primaryKeyId();
    }

    @Override
    public <T> T inOneVisit(Supplier<T> work) {
        return gate.inOneVisit(work);
    }

    @Override
    public List<String> unrecognizedRows() {
        return gate.visit(() -> gate.connections().read(StoreSql.ALL_IDENTITIES,
                rs -> StoreRows.known(rs.getString("provider"), rs.getString("auth_type")).isPresent()
                        ? null : rs.getString("provider") + "/" + rs.getString("auth_type")))
                .stream().filter(Objects::nonNull).toList();
    }

    /** Whether any row is stored, known to this version or not. */
    boolean hasRows() {
        return gate.visit(() -> gate.connections().read(StoreSql.COUNT, rs -> rs.getLong(1)).get(0)) > 0;
    }

    /** Rows not yet under the primary key. */
    List<CredentialKey> staleKeys() {
        return gate.visit(() -> gate.jdbi().withHandle(h -> h.createQuery(StoreSql.STALE_KEYS)
                .bind("primary", cipher.primaryKeyId())
                .map((rs, ctx) -> {
                    String account = rs.getString("account");
                    return StoreRows.known(rs.getString("provider"), rs.getString("auth_type"))
                            .map(row -> new CredentialKey(row.getKey(), account, row.getValue()));
                })
                .list()).stream().flatMap(Optional::stream).toList());
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshOutcome;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SavedAuthentication;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

/** How the store's rows are bound and read: the one place that knows the columns. */
final class StoreRows {
    private StoreRows() {
    }

    static <S extends SqlStatement<S>> S bindKey(S statement, CredentialKey key) {
        return statement.bind("provider", key.provider().name()).bind("account", key.account())
                .bind("authType", key.authType().name());
    }

    static Update bindRow(Update update, SavedAuthentication c, byte[] ciphertext) {
        return bindKey(update, c.key())
                .bind("credentials", ciphertext)
                .bind("keyId", CredentialCipher.keyIdOf(ciphertext))
                .bindByType("expiresAt", c.expiresAt().map(StoreRows::utc).orElse(null), OffsetDateTime.class)
                .bind("createdAt", utc(c.createdAt()))
                .bind("updatedAt", utc(c.updatedAt()))
                .bind("next", c.version() + 1)
                .bindByType("reloginReason", c.reloginRequired().map(ReloginMark::reason).orElse(null), String.class)
                .bindByType("reloginSince", c.reloginRequired().map(m -> utc(m.since())).orElse(null),
                        OffsetDateTime.class);
    }

    /** A summary of a row (no decryption); {@code null} for a row of a newer version. */
    static CredentialSummary summary(ResultSet rs) throws SQLException {
        Optional<Map.Entry<ProviderId, AuthType>> row = known(rs.getString("provider"), rs.getString("auth_type"));
        return row.isEmpty() ? null : new CredentialSummary(
                new CredentialKey(row.get().getKey(), rs.getString("account"), row.get().getValue()),
                rs.getString("label"), rs.getBoolean("is_default"),
                Optional.ofNullable(instant(rs, "expires_at")), instant(rs, "updated_at"),
                rs.getLong("version"), rs.getString("relogin_reason") != null, lastRefresh(rs), Optional.empty());
    }

    private static Optional<RefreshRecord> lastRefresh(ResultSet rs) throws SQLException {
        Instant at = instant(rs, "last_refresh_at");
        Optional<RefreshOutcome> outcome = RefreshOutcome.ofTag(rs.getString("last_refresh_outcome"));
        if (at == null || outcome.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RefreshRecord(at, outcome.get(), Optional.ofNullable(rs.getString(
                "last_refresh_reason"))));
    }

    /** The row's identity when this version knows both names; rows of a newer version are left alone. */
    static Optional<Map.Entry<ProviderId, AuthType>> known(String provider, String authType) {
        try {
            return Optional.of(Map.entry(ProviderId.valueOf(provider), AuthType.valueOf(authType)));
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return Optional.empty();
        }
    }

    static List<Account> accountsOf(Handle h, ProviderId provider) {
        return StoreConnections.read(h.getConnection(), StoreSql.ACCOUNTS, rs -> account(rs, provider), provider.name());
    }

    static List<Account> accountsOf(StoreConnections connections, ProviderId provider) {
        return connections.read(StoreSql.ACCOUNTS, rs -> account(rs, provider), provider.name());
    }

    private static Account account(ResultSet rs, ProviderId provider) throws SQLException {
        return new Account(provider, rs.getString("account"), rs.getString("label"), rs.getBoolean("is_default"));
    }

    /** The row {@code key} names, read by {@code reader}. */
    static <T> Optional<T> find(StoreConnections connections, CredentialKey key, StoreConnections.RowReader<T> reader) {
        return connections.read(StoreSql.FIND, reader, key.provider().name(), key.account(), key.authType().name())
                .stream().findFirst();
    }

    static Optional<Account> accountOf(Handle h, ProviderId provider, String accountId) {
        return accountsOf(h, provider).stream().filter(a -> a.id().equals(accountId)).findFirst();
    }

    static long currentVersion(Handle h, CredentialKey key) {
        return bindKey(h.createQuery(StoreSql.VERSION), key).mapTo(Long.class).findOne().orElse(0L);
    }

    static boolean isUniqueViolation(JdbiException e) {
        // SQLSTATE 23505 is unique_violation on PostgreSQL and H2 alike.
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}

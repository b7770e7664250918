package ai.maestro.auth.adapter.out.persistence;

import ai.maestro.auth.application.port.out.CredentialStorePort;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;

/** {@link CredentialStorePort} on Jdbi: H2 or PostgreSQL, credentials encrypted with {@link CredentialCipher}. */
public final class JdbiCredentialStore implements CredentialStorePort {
    private static final String COLUMNS = "provider, auth_type, credentials, key_id, expires_at, created_at, updated_at,"
            + " version, relogin_reason, relogin_since";

    private final Jdbi jdbi;
    private final CredentialCipher cipher;
    private final CredentialCodec codec;
    private final String location;
    private final boolean postgres;

    JdbiCredentialStore(Jdbi jdbi, CredentialCipher cipher, CredentialCodec codec, String location, boolean postgres) {
        this.jdbi = jdbi;
        this.postgres = postgres;
        this.cipher = cipher;
        this.codec = codec;
        this.location = location;
    }

    @Override
    public Optional<SavedAuthentication> find(ProviderId provider, AuthType authType) {
        return guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM saved_authentications WHERE provider = :provider AND auth_type = :authType")
                .bind("provider", provider.name()).bind("authType", authType.name())
                .map((rs, ctx) -> read(rs, provider, authType)).findOne()));
    }

    @Override
    public SaveResult save(SavedAuthentication candidate) {
        byte[] plaintext = codec.encode(candidate.credential());
        byte[] ciphertext;
        try {
            ciphertext = cipher.encrypt(candidate.provider(), candidate.authType(), plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        long next = candidate.version() + 1;
        return guard(() -> jdbi.withHandle(h -> {
            int rows;
            if (candidate.version() == 0) {
                rows = insertIfAbsent(h, candidate, ciphertext);
            } else {
                rows = bindRow(h.createUpdate("UPDATE saved_authentications SET credentials = :credentials,"
                        + " key_id = :keyId, expires_at = :expiresAt, updated_at = :updatedAt, version = :next,"
                        + " relogin_reason = :reloginReason, relogin_since = :reloginSince"
                        + " WHERE provider = :provider AND auth_type = :authType AND version = :expected"),
                        candidate, ciphertext).bind("expected", candidate.version()).execute();
            }
            if (rows == 1) {
                return new SaveResult.Saved(candidate.withVersion(next));
            }
            return new SaveResult.Conflict(currentVersion(h, candidate.provider(), candidate.authType()));
        }));
    }

    /** A plain insert: in autocommit a unique violation aborts nothing, and it tells us another writer won. */
    private int insertIfAbsent(Handle h, SavedAuthentication candidate, byte[] ciphertext) {
        try {
            return bindRow(h.createUpdate("INSERT INTO saved_authentications (" + COLUMNS + ") VALUES (:provider,"
                    + " :authType, :credentials, :keyId, :expiresAt, :createdAt, :updatedAt, :next, :reloginReason,"
                    + " :reloginSince)"), candidate, ciphertext).execute();
        } catch (JdbiException e) {
            if (isUniqueViolation(e)) {
                return 0;
            }
            throw e;
        }
    }

    private static boolean isUniqueViolation(JdbiException e) {
        // SQLSTATE 23505 is unique_violation on PostgreSQL and H2 alike.
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

    private Update bindRow(Update update, SavedAuthentication c, byte[] ciphertext) {
        return update.bind("provider", c.provider().name())
                .bind("authType", c.authType().name())
                .bind("credentials", ciphertext)
                .bind("keyId", CredentialCipher.keyIdOf(ciphertext))
                .bindByType("expiresAt", c.expiresAt().map(JdbiCredentialStore::utc).orElse(null), OffsetDateTime.class)
                .bind("createdAt", utc(c.createdAt()))
                .bind("updatedAt", utc(c.updatedAt()))
                .bind("next", c.version() + 1)
                .bindByType("reloginReason", c.reloginRequired().map(ReloginMark::reason).orElse(null), String.class)
                .bindByType("reloginSince", c.reloginRequired().map(m -> utc(m.since())).orElse(null),
                        OffsetDateTime.class);
    }

    @Override
    public boolean delete(ProviderId provider, AuthType authType) {
        return guard(() -> jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM saved_authentications WHERE provider = :provider AND auth_type = :authType")
                .bind("provider", provider.name()).bind("authType", authType.name()).execute() > 0));
    }

    @Override
    public List<CredentialSummary> list() {
        return guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT provider, auth_type, expires_at, updated_at,"
                        + " version, relogin_reason FROM saved_authentications ORDER BY provider, auth_type")
                .map((rs, ctx) -> new CredentialSummary(ProviderId.valueOf(rs.getString("provider")),
                        AuthType.valueOf(rs.getString("auth_type")),
                        Optional.ofNullable(instant(rs, "expires_at")), instant(rs, "updated_at"),
                        rs.getLong("version"), rs.getString("relogin_reason") != null))
                .list()));
    }

    @Override
    public <T> T withRefreshLock(ProviderId provider, Duration maxWait, Supplier<T> work) {
        guard(() -> jdbi.withHandle(h -> {
            try {
                return h.execute("INSERT INTO refresh_locks (provider) VALUES (?)", provider.name());
            } catch (JdbiException e) {
                if (isUniqueViolation(e)) {
                    return 0;
                }
                throw e;
            }
        }));
        // Jdbi hands calls made on this thread inside the callback the same handle, so the work's
        // saves join this transaction: they commit as the lock is released. A failure of the work
        // must still commit (e.g. a credential marked for a new login), so it is carried out, not thrown.
        RuntimeException[] failure = new RuntimeException[1];
        T result;
        try {
            result = jdbi.inTransaction(h -> {
                setLockTimeout(h, maxWait);
                h.createQuery("SELECT provider FROM refresh_locks WHERE provider = :provider FOR UPDATE")
                        .bind("provider", provider.name()).mapTo(String.class).one();
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    failure[0] = e;
                    return null;
                }
            });
        } catch (JdbiException e) {
            throw new CredentialStoreException("Another process held the " + provider.cliName()
                    + " refresh lock for longer than " + maxWait.toSeconds() + " s, or " + location
                    + " failed.", null, "Try again; if it persists, check the credential store.", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result;
    }

    /** Re-encrypts every row not yet under the primary key; returns how many rows changed. */
    public int rekey() {
        List<Map.Entry<ProviderId, AuthType>> stale = guard(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT provider, auth_type FROM saved_authentications WHERE key_id <> :primary")
                .bind("primary", cipher.primaryKeyId())
                .map((rs, ctx) -> Map.entry(ProviderId.valueOf(rs.getString("provider")),
                        AuthType.valueOf(rs.getString("auth_type"))))
                .list()));
        int changed = 0;
        for (Map.Entry<ProviderId, AuthType> row : stale) {
            Optional<SavedAuthentication> current = find(row.getKey(), row.getValue());
            if (current.isPresent() && save(current.get()) instanceof SaveResult.Saved) {
                changed++;
            }
        }
        return changed;
    }

    /** For tests in this package that inspect the raw rows. */
    Jdbi jdbi() {
        return jdbi;
    }

    public int schemaVersion() {
        return guard(() -> Migrations.currentVersion(jdbi));
    }

    private SavedAuthentication read(ResultSet rs, ProviderId provider, AuthType authType) throws SQLException {
        byte[] plaintext = cipher.decrypt(provider, authType, rs.getBytes("credentials"));
        Credential credential;
        try {
            credential = codec.decode(plaintext);
        } catch (IOException | RuntimeException e) {
            throw new CredentialStoreException("The stored " + provider.cliName() + " " + authType
                    + " credential decrypted but is not a credential document.", null,
                    "Run `maestro-auth logout " + provider.cliName() + "` and log in again.", null);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        String reason = rs.getString("relogin_reason");
        Optional<ReloginMark> mark = reason == null ? Optional.empty()
                : Optional.of(new ReloginMark(reason, instant(rs, "relogin_since")));
        return new SavedAuthentication(provider, credential, instant(rs, "created_at"), instant(rs, "updated_at"),
                rs.getLong("version"), mark);
    }

    private static long currentVersion(Handle h, ProviderId provider, AuthType authType) {
        return h.createQuery("SELECT version FROM saved_authentications WHERE provider = :provider"
                        + " AND auth_type = :authType")
                .bind("provider", provider.name()).bind("authType", authType.name())
                .mapTo(Long.class).findOne().orElse(0L);
    }

    private void setLockTimeout(Handle h, Duration maxWait) {
        long millis = Math.max(1, maxWait.toMillis());
        if (postgres) {
            h.execute("SET LOCAL lock_timeout = '" + millis + "ms'");
        } else {
            h.execute("SET LOCK_TIMEOUT " + millis);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private <T> T guard(Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException e) {
            if (e.getCause() instanceof CredentialStoreException store) {
                throw store;
            }
            throw new CredentialStoreException("The credential store (" + location + ") cannot be used: "
                    + e.getClass().getSimpleName() + ".", null,
                    "Check that the database is reachable and MAESTRO_AUTH_DB_URL is right; nothing was changed.", e);
        }
    }
}

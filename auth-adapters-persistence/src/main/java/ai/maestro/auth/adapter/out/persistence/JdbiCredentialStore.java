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

    /** How long a rotated token set is retried against a failing database before it is left in the journal. */
    static final Duration ROTATION_SAVE_WINDOW = Duration.ofSeconds(8);

    private final Jdbi jdbi;
    private final StoreAccess access;
    private final RotationJournal journal;
    private final CredentialCipher cipher;
    private final CredentialCodec codec;
    private final String location;

    /** Migrates the schema and settles the files: once, inside the first visit. */
    private final Runnable prepare;
    /** What a failure of the first visit (the database could not be opened) says. */
    private final java.util.function.Function<RuntimeException, CredentialStoreException> openFailure;
    private volatile boolean prepared;

    JdbiCredentialStore(Jdbi jdbi, StoreAccess access, RotationJournal journal, CredentialCipher cipher,
                        CredentialCodec codec, String location, Runnable prepare,
                        java.util.function.Function<RuntimeException, CredentialStoreException> openFailure) {
        this.prepare = prepare;
        this.openFailure = openFailure;
        this.jdbi = jdbi;
        this.access = access;
        this.journal = journal;
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
        byte[] ciphertext = codec.seal(cipher, candidate);
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
                access.changed(h);
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
        return guard(() -> jdbi.withHandle(h -> {
            boolean deleted = h.createUpdate(
                            "DELETE FROM saved_authentications WHERE provider = :provider AND auth_type = :authType")
                    .bind("provider", provider.name()).bind("authType", authType.name()).execute() > 0;
            if (deleted) {
                access.changed(h);
            }
            return deleted;
        }));
    }

    @Override
    public long changeStamp() {
        ensurePrepared();
        return translate(() -> access.changeStamp(jdbi));
    }

    @Override
    public List<CredentialSummary> list() {
        return guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT provider, auth_type, expires_at, updated_at,"
                        + " version, relogin_reason FROM saved_authentications ORDER BY provider, auth_type")
                .map((rs, ctx) -> {
                    Optional<Map.Entry<ProviderId, AuthType>> row = known(rs.getString("provider"),
                            rs.getString("auth_type"));
                    return row.isEmpty() ? null : new CredentialSummary(row.get().getKey(), row.get().getValue(),
                            Optional.ofNullable(instant(rs, "expires_at")), instant(rs, "updated_at"),
                            rs.getLong("version"), rs.getString("relogin_reason") != null);
                })
                .list()).stream().filter(java.util.Objects::nonNull).toList());
    }

    @Override
    public <T> T inOneVisit(Supplier<T> work) {
        // The kept handle holds the database open; the operations inside (same thread, lock held)
        // open connections to it without reading the file again.
        return guard(() -> jdbi.withHandle(kept -> work.get()));
    }

    /** Whether any row is stored, known to this version or not. */
    boolean hasRows() {
        return guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM saved_authentications")
                .mapTo(Long.class).one())) > 0;
    }

    @Override
    public void checkReadyForLogin(ProviderId provider) {
        find(provider, AuthType.OAUTH);
        cipher.primaryKeyId();
    }

    @Override
    public List<String> unrecognizedRows() {
        return guard(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT provider, auth_type FROM saved_authentications ORDER BY provider, auth_type")
                .map((rs, ctx) -> known(rs.getString("provider"), rs.getString("auth_type")).isPresent() ? null
                        : rs.getString("provider") + "/" + rs.getString("auth_type"))
                .list()).stream().filter(java.util.Objects::nonNull).toList());
    }

    /** The row's identity when this version knows both names; rows of a newer version are left alone. */
    private static Optional<Map.Entry<ProviderId, AuthType>> known(String provider, String authType) {
        try {
            return Optional.of(Map.entry(ProviderId.valueOf(provider), AuthType.valueOf(authType)));
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return Optional.empty();
        }
    }

    @Override
    public <T> T withRefreshLock(ProviderId provider, Duration maxWait, Supplier<T> work) {
        ensurePrepared();
        return access.withRefreshLock(provider, maxWait, () -> {
            // A rotation a crashed or cut-off process left in the journal goes in before anyone reads
            // the row, or its (spent) refresh token would be sent again.
            applyJournal(provider);
            return work.get();
        });
    }

    @Override
    public void prepareRotation(SavedAuthentication current) {
        journal.reserve(current);
    }

    @Override
    public void abandonRotation(ProviderId provider) {
        journal.clear(provider);
    }

    /**
     * The journal first (durable as soon as it returns), then the row, on connections of its own,
     * retried for a while when the database fails. When it keeps failing, the tokens stay in the
     * journal and the caller gets a {@link CredentialStoreException}: nothing reports success
     * before the new refresh token is durable.
     */
    @Override
    public SaveResult commitRotation(SavedAuthentication candidate) {
        boolean journaled;
        try {
            journal.record(candidate);
            journaled = true;
        } catch (IOException e) {
            journaled = false;
        }
        long deadline = System.nanoTime() + ROTATION_SAVE_WINDOW.toNanos();
        long pause = 50;
        for (int attempt = 0; ; attempt++) {
            try {
                SaveResult result = save(candidate);
                if (result instanceof SaveResult.Saved) {
                    // Read back through a new open: H2 can acknowledge a commit that a full disk then
                    // keeps from reaching the file. Only what a fresh read returns lets the journal go.
                    result = ownWrite(candidate).<SaveResult>map(SaveResult.Saved::new).orElseThrow(() ->
                            new CredentialStoreException("The credential store (" + location + ") acknowledged"
                                    + " the refreshed tokens but does not return them.", null, "Check its disk.",
                                    null));
                } else if (attempt > 0) {
                    // A lost acknowledgement: the earlier attempt may have committed.
                    result = ownWrite(candidate).<SaveResult>map(SaveResult.Saved::new).orElse(result);
                }
                journal.clear(candidate.provider());
                return result;
            } catch (CredentialStoreException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw rotationNotStored(candidate.provider(), journaled, e);
                }
                sleep(pause);
                pause = Math.min(pause * 2, 1000);
            }
        }
    }

    private Optional<SavedAuthentication> ownWrite(SavedAuthentication candidate) {
        return find(candidate.provider(), candidate.authType())
                .filter(row -> row.version() == candidate.version() + 1)
                .filter(row -> sameCredential(row, candidate));
    }

    private boolean sameCredential(SavedAuthentication a, SavedAuthentication b) {
        byte[] first = codec.encode(a.credential());
        byte[] second = codec.encode(b.credential());
        try {
            return java.security.MessageDigest.isEqual(first, second);
        } finally {
            Arrays.fill(first, (byte) 0);
            Arrays.fill(second, (byte) 0);
        }
    }

    private CredentialStoreException rotationNotStored(ProviderId provider, boolean journaled, RuntimeException e) {
        if (journaled) {
            return new CredentialStoreException("The credential store (" + location + ") failed while saving the"
                    + " refreshed " + provider.cliName() + " tokens; they are kept encrypted in "
                    + journal.file(provider) + " until the store takes them.", null,
                    "Fix the store (database up? disk space?), then run `maestro-auth token " + provider.cliName()
                    + "`, which puts them in.", e);
        }
        return new CredentialStoreException("The refreshed " + provider.cliName() + " tokens could not be saved:"
                + " the credential store (" + location + ") and the data directory both failed.", null,
                "Fix the store and the disk, then run `maestro-auth login " + provider.cliName() + "`.", e);
    }

    /** Applies a rotation left in the journal (CAS on the version it was refreshed from), then forgets it. */
    void applyJournal(ProviderId provider) {
        Optional<SavedAuthentication> pending = journal.pending(provider);
        if (pending.isPresent()) {
            // A conflict means the row moved on (a newer login, or this very record applied before).
            save(pending.get());
        }
        journal.clear(provider);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialStoreException("Interrupted while saving the refreshed tokens.", null, "Try again.", e);
        }
    }

    /** Re-encrypts every row not yet under the primary key; returns how many rows changed. */
    public int rekey() {
        List<Map.Entry<ProviderId, AuthType>> stale = guard(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT provider, auth_type FROM saved_authentications WHERE key_id <> :primary")
                .bind("primary", cipher.primaryKeyId())
                .map((rs, ctx) -> known(rs.getString("provider"), rs.getString("auth_type")))
                .list()).stream().flatMap(Optional::stream).toList());
        int changed = 0;
        for (Map.Entry<ProviderId, AuthType> row : stale) {
            Optional<SavedAuthentication> current = find(row.getKey(), row.getValue());
            if (current.isPresent() && save(current.get()) instanceof SaveResult.Saved) {
                changed++;
            }
        }
        return changed;
    }

    /** For tests in this package that leave a rotation behind as a crashed process would. */
    RotationJournal journal() {
        return journal;
    }

    /** For tests in this package that inspect the raw rows. */
    Jdbi jdbi() {
        return jdbi;
    }

    public int schemaVersion() {
        return guard(() -> Migrations.currentVersion(jdbi));
    }

    private SavedAuthentication read(ResultSet rs, ProviderId provider, AuthType authType) throws SQLException {
        byte[] plaintext = cipher.decrypt(provider, authType, rs.getLong("version"), rs.getBytes("credentials"));
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

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private <T> T guard(Supplier<T> work) {
        if (prepared) {
            return translate(() -> access.access(work));
        }
        try {
            // The kept handle holds the database open across the migration check and the work.
            return access.access(() -> jdbi.withHandle(kept -> {
                prepareOnce();
                return translate(work);
            }));
        } catch (CredentialStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            // The database could not be opened or migrated: say why in the user's terms.
            throw openFailure.apply(e);
        }
    }

    /** For calls that reach the database without a visit of their own (the lock, the stamp). */
    private void ensurePrepared() {
        if (!prepared) {
            guard(() -> null);
        }
    }

    private synchronized void prepareOnce() {
        if (!prepared) {
            prepare.run();
            prepared = true;
        }
    }

    private <T> T translate(Supplier<T> work) {
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

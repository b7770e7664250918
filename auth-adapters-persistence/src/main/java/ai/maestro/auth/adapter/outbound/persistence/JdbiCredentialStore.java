package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.application.port.outbound.CredentialStorePort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshOutcome;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.UnstoredRefresh;
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

/**
 * {@link CredentialStorePort} on Jdbi: H2 or PostgreSQL, credentials encrypted with {@link CredentialCipher},
 * one row per (provider, account, auth type) and one account row per (provider, account).
 */
public final class JdbiCredentialStore implements CredentialStorePort {

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
    public Optional<SavedAuthentication> find(CredentialKey key) {
        return guard(() -> jdbi.withHandle(h -> bindKey(h.createQuery(StoreSql.FIND), key)
                .map((rs, ctx) -> read(rs, key)).findOne()));
    }

    static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindKey(S statement, CredentialKey key) {
        return statement.bind("provider", key.provider().name()).bind("account", key.account())
                .bind("authType", key.authType().name());
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
                rows = bindRow(h.createUpdate(StoreSql.UPDATE), candidate, ciphertext)
                        .bind("expected", candidate.version()).execute();
            }
            if (rows == 1) {
                access.changed(h);
                return new SaveResult.Saved(candidate.withVersion(next));
            }
            return new SaveResult.Conflict(currentVersion(h, candidate.key()));
        }));
    }

    /** A plain insert: in autocommit a unique violation aborts nothing, and it tells us another writer won. */
    private int insertIfAbsent(Handle h, SavedAuthentication candidate, byte[] ciphertext) {
        CredentialKey key = candidate.key();
        if (accountOf(h, key.provider(), key.account()).isEmpty()) {
            // Saved without registering its account first (an embedder's own write): the account gets
            // a label from its tag, which `login --account` can change.
            register(h, key.provider(), key.account(), key.accountName());
        }
        try {
            return bindRow(h.createUpdate(StoreSql.INSERT), candidate, ciphertext).execute();
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

    static Update bindRow(Update update, SavedAuthentication c, byte[] ciphertext) {
        return bindKey(update, c.key())
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
    public boolean delete(CredentialKey key) {
        return guard(() -> jdbi.inTransaction(h -> {
            boolean deleted = bindKey(h.createUpdate(StoreSql.DELETE), key).execute() > 0;
            if (deleted) {
                long left = h.createQuery(StoreSql.ACCOUNT_CREDENTIALS).bind("provider", key.provider().name())
                        .bind("account", key.account()).mapTo(Long.class).one();
                if (left == 0) {
                    h.createUpdate(StoreSql.DELETE_ACCOUNT).bind("provider", key.provider().name())
                            .bind("account", key.account()).execute();
                    h.createUpdate(StoreSql.PROMOTE_OLDEST).bind("provider", key.provider().name()).execute();
                }
                access.changed(h);
            }
            return deleted;
        }));
    }

    @Override
    public List<Account> accounts(ProviderId provider) {
        return guard(() -> jdbi.withHandle(h -> accountsOf(h, provider)));
    }

    @Override
    public Account register(ProviderId provider, String accountId, String label) {
        Account.requireValidLabel(label);
        return guard(() -> jdbi.withHandle(h -> register(h, provider, accountId, label)));
    }

    private Account register(Handle h, ProviderId provider, String accountId, String label) {
        Optional<Account> known = accountOf(h, provider, accountId);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            h.createUpdate(StoreSql.INSERT_ACCOUNT).bind("provider", provider.name()).bind("account", accountId)
                    .bind("label", label).bind("createdAt", utc(Instant.now())).execute();
            access.changed(h);
        } catch (JdbiException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            // Another process added this account, or another account took the label, at the same moment.
            return accountOf(h, provider, accountId).orElseThrow(() -> new CredentialStoreException("Another "
                    + provider.cliName() + " account is labelled '" + label + "'.", null,
                    "Choose another label with --account.", null));
        }
        return accountOf(h, provider, accountId).orElseThrow();
    }

    static Optional<Account> accountOf(Handle h, ProviderId provider, String accountId) {
        return accountsOf(h, provider).stream().filter(a -> a.id().equals(accountId)).findFirst();
    }

    @Override
    public boolean relabel(ProviderId provider, String accountId, String label) {
        Account.requireValidLabel(label);
        return guard(() -> jdbi.withHandle(h -> {
            try {
                boolean changed = h.createUpdate(StoreSql.RELABEL).bind("provider", provider.name())
                        .bind("account", accountId).bind("label", label).execute() > 0;
                if (changed) {
                    access.changed(h);
                }
                return changed;
            } catch (JdbiException e) {
                if (isUniqueViolation(e)) {
                    throw new CredentialStoreException("Another " + provider.cliName() + " account is labelled '"
                            + label + "'.", null, "Choose another label with --account.", null);
                }
                throw e;
            }
        }));
    }

    @Override
    public boolean makeDefault(ProviderId provider, String accountId) {
        return guard(() -> jdbi.withHandle(h -> {
            boolean changed = h.createUpdate(StoreSql.MAKE_DEFAULT).bind("provider", provider.name())
                    .bind("account", accountId).execute() > 0;
            if (changed) {
                access.changed(h);
            }
            return changed;
        }));
    }

    @Override
    public long changeStamp() {
        ensurePrepared();
        return translate(() -> access.changeStamp(jdbi));
    }

    @Override
    public List<CredentialSummary> list() {
        List<CredentialSummary> rows = guard(() -> jdbi.withHandle(h -> h.createQuery(StoreSql.LIST)
                .map((rs, ctx) -> {
                    Optional<Map.Entry<ProviderId, AuthType>> row = known(rs.getString("provider"),
                            rs.getString("auth_type"));
                    return row.isEmpty() ? null : new CredentialSummary(
                            new CredentialKey(row.get().getKey(), rs.getString("account"), row.get().getValue()),
                            rs.getString("label"), rs.getBoolean("is_default"),
                            Optional.ofNullable(instant(rs, "expires_at")), instant(rs, "updated_at"),
                            rs.getLong("version"), rs.getString("relogin_reason") != null, lastRefresh(rs),
                            Optional.empty());
                })
                .list()).stream().filter(java.util.Objects::nonNull).toList());
        Map<String, UnstoredRefresh> unstored = guard(access::unstoredRefreshes);
        if (unstored.isEmpty()) {
            return rows;
        }
        // The lease guards the account's sign-in: shown on its OAuth row.
        return rows.stream().map(row -> row.authType() == AuthType.OAUTH
                ? row.withUnstoredRefresh(Optional.ofNullable(unstored.get(row.key().accountName()))) : row).toList();
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

    @Override
    public void recordRefresh(CredentialKey key, RefreshRecord record) {
        try {
            guard(() -> jdbi.withHandle(h -> bindKey(h.createUpdate(StoreSql.RECORD_REFRESH), key)
                    .bind("at", utc(record.at())).bind("outcome", record.outcome().tag())
                    .bindByType("reason", record.reason().orElse(null), String.class).execute()));
        } catch (CredentialStoreException lost) {
            // Only the record is lost; what failed has been reported to the caller already.
        }
    }

    @Override
    public <T> T inOneVisit(Supplier<T> work) {
        // The kept handle holds the database open; the operations inside (same thread, lock held)
        // open connections to it without reading the file again.
        return guard(() -> jdbi.withHandle(kept -> work.get()));
    }

    /** Whether any row is stored, known to this version or not. */
    boolean hasRows() {
        return guard(() -> jdbi.withHandle(h -> h.createQuery(StoreSql.COUNT).mapTo(Long.class).one())) > 0;
    }

    @Override
    public void checkReadyForLogin(ProviderId provider) {
        // The rows a login may replace must be readable (the key is there, nothing was altered).
        inOneVisit(() -> {
            accounts(provider).forEach(account -> find(account.key(AuthType.OAUTH)));
            return null;
        });
        cipher.primaryKeyId();
    }

    @Override
    public List<String> unrecognizedRows() {
        return guard(() -> jdbi.withHandle(h -> h.createQuery(StoreSql.ALL_IDENTITIES)
                .map((rs, ctx) -> known(rs.getString("provider"), rs.getString("auth_type")).isPresent() ? null
                        : rs.getString("provider") + "/" + rs.getString("auth_type"))
                .list()).stream().filter(java.util.Objects::nonNull).toList());
    }

    /** The row's identity when this version knows both names; rows of a newer version are left alone. */
    static Optional<Map.Entry<ProviderId, AuthType>> known(String provider, String authType) {
        try {
            return Optional.of(Map.entry(ProviderId.valueOf(provider), AuthType.valueOf(authType)));
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return Optional.empty();
        }
    }

    @Override
    public <T> T withRefreshLock(CredentialKey provider, Duration maxWait, Supplier<T> work) {
        ensurePrepared();
        java.util.function.LongSupplier rowVersion = () -> find(provider).map(SavedAuthentication::version).orElse(-1L);
        return access.withRefreshLock(provider, maxWait, rowVersion, takenFrom -> {
            // A refresh whose holder ended without a result is an outcome of its own: kept with the row
            // (status, health) until this holder's own refresh replaces it.
            takenFrom.ifPresent(previous -> recordRefresh(provider, RefreshRecord.failed(Instant.now(),
                    RefreshOutcome.LEASE_EXPIRED, "the refresh by " + previous + " ended without a result; its"
                            + " lease was taken over")));
            // A rotation a crashed or cut-off process left in the journal goes in before anyone reads
            // the row, or its (spent) refresh token would be sent again.
            applyJournal(provider);
            return work.get();
        });
    }

    @Override
    public void prepareRotation(SavedAuthentication current) {
        journal.reserve(current);
        AnswersInFlight.opened();
    }

    @Override
    public void recordAnswer(SavedAuthentication current, byte[] answer) {
        try {
            journal.recordAnswer(current, answer, System.currentTimeMillis());
            AnswersInFlight.settled();
        } catch (IOException | RuntimeException e) {
            // commitRotation still journals the parsed credential before it writes the row.
            org.slf4j.LoggerFactory.getLogger(JdbiCredentialStore.class).debug("The answer could not be journaled"
                    + " ({}); the parsed tokens will be", e.getClass().getSimpleName());
        }
    }

    @Override
    public Optional<ai.maestro.auth.application.port.outbound.RotationLog.RecordedAnswer> recordedAnswer(SavedAuthentication current) {
        return journal.answer(current);
    }

    @Override
    public void abandonRotation(CredentialKey provider) {
        AnswersInFlight.settled();
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
            AnswersInFlight.settled();
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
                journal.clear(candidate.key());
                return result;
            } catch (CredentialStoreException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw rotationNotStored(candidate.key(), journaled, e);
                }
                sleep(pause);
                pause = Math.min(pause * 2, 1000);
            }
        }
    }

    private Optional<SavedAuthentication> ownWrite(SavedAuthentication candidate) {
        return find(candidate.key())
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

    private CredentialStoreException rotationNotStored(CredentialKey key, boolean journaled, RuntimeException e) {
        ProviderId provider = key.provider();
        if (journaled) {
            return new CredentialStoreException("The credential store (" + location + ") failed while saving the"
                    + " refreshed " + provider.cliName() + " tokens; they are kept encrypted in "
                    + journal.file(key) + " until the store takes them.", null,
                    "Fix the store (database up? disk space?), then run `maestro-auth token " + provider.cliName()
                    + "`, which puts them in.", e);
        }
        return new CredentialStoreException("The refreshed " + provider.cliName() + " tokens could not be saved:"
                + " the credential store (" + location + ") and the data directory both failed.", null,
                "Fix the store and the disk, then run `maestro-auth login " + provider.cliName() + "`.", e);
    }

    /** Applies a rotation left in the journal (CAS on the version it was refreshed from), then forgets it. */
    void applyJournal(CredentialKey provider) {
        Optional<SavedAuthentication> pending = journal.pending(provider);
        if (pending.isPresent()) {
            // A conflict means the row moved on (a newer login, or this very record applied before).
            save(pending.get());
            journal.clear(provider);
        }
        // An answer recorded as it arrived stays: the refresh reads it (it knows how to parse it).
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
        List<CredentialKey> stale = guard(() -> jdbi.withHandle(h -> h.createQuery(StoreSql.STALE_KEYS)
                .bind("primary", cipher.primaryKeyId())
                .map((rs, ctx) -> {
                    String account = rs.getString("account");
                    return known(rs.getString("provider"), rs.getString("auth_type"))
                            .map(row -> new CredentialKey(row.getKey(), account, row.getValue()));
                })
                .list()).stream().flatMap(Optional::stream).toList());
        int changed = 0;
        for (CredentialKey row : stale) {
            Optional<SavedAuthentication> current = find(row);
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

    /** Where the encryption key came from, and why there (never the key). */
    public KeySource keySource() {
        return cipher.keySource();
    }

    public int schemaVersion() {
        return guard(() -> Migrations.currentVersion(jdbi));
    }

    private SavedAuthentication read(ResultSet rs, CredentialKey key) throws SQLException {
        ProviderId provider = key.provider();
        AuthType authType = key.authType();
        byte[] plaintext = cipher.decrypt(key, rs.getLong("version"), rs.getBytes("credentials"));
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
        return new SavedAuthentication(key, credential, instant(rs, "created_at"), instant(rs, "updated_at"),
                rs.getLong("version"), mark);
    }

    static long currentVersion(Handle h, CredentialKey key) {
        return bindKey(h.createQuery(StoreSql.VERSION), key).mapTo(Long.class).findOne().orElse(0L);
    }

    static OffsetDateTime utc(Instant instant) {
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
            new RowsFromBeforeAccounts(jdbi, access, cipher, codec).adoptAll();
            prepared = true;
        }
    }

    static List<Account> accountsOf(Handle h, ProviderId provider) {
        return h.createQuery(StoreSql.ACCOUNTS).bind("provider", provider.name())
                .map((rs, ctx) -> new Account(provider, rs.getString("account"), rs.getString("label"),
                        rs.getBoolean("is_default")))
                .list();
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

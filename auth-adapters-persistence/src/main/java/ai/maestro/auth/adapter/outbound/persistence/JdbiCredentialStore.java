package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link CredentialStore} on Jdbi, H2 or PostgreSQL: one adapter per role ({@link JdbiCredentialRows},
 * {@link JdbiAccountDirectory}, {@link JdbiRotationLog}) behind one {@link StoreGate}, credentials
 * encrypted with {@link CredentialCipher}. This class only joins them for the wiring.
 */
public final class JdbiCredentialStore implements CredentialStore {
    private final StoreGate gate;
    private final CredentialCipher cipher;
    private final RotationJournal journal;
    private final JdbiCredentialRows rows;
    private final JdbiAccountDirectory accounts;
    private final JdbiRotationLog rotations;

    JdbiCredentialStore(StoreConnections connections, StoreAccess access, RotationJournal journal, CredentialCipher cipher,
                        CredentialCodec codec, String location, Runnable prepare,
                        Function<RuntimeException, CredentialStoreException> openFailure, Clock clock) {
        this.cipher = cipher;
        this.journal = journal;
        this.gate = new StoreGate(connections, access, location, () -> {
            prepare.run();
            new RowsFromBeforeAccounts(connections, access, cipher, codec, clock).adoptAll();
        }, openFailure);
        this.accounts = new JdbiAccountDirectory(gate, clock);
        this.rows = new JdbiCredentialRows(gate, cipher, codec, accounts);
        this.rotations = new JdbiRotationLog(gate, rows, journal, codec, clock);
    }

    @Override
    public Optional<SavedAuthentication> find(CredentialKey key) {
        return rows.find(key);
    }

    @Override
    public SaveResult save(SavedAuthentication candidate) {
        return rows.save(candidate);
    }

    @Override
    public boolean delete(CredentialKey key) {
        return rows.delete(key);
    }

    @Override
    public List<CredentialSummary> list() {
        return rows.list();
    }

    @Override
    public void checkReadyForLogin(ProviderId provider) {
        rows.checkReadyForLogin(provider);
    }

    @Override
    public <T> T inOneVisit(Supplier<T> work) {
        return rows.inOneVisit(work);
    }

    @Override
    public List<String> unrecognizedRows() {
        return rows.unrecognizedRows();
    }

    @Override
    public List<Account> accounts(ProviderId provider) {
        return accounts.accounts(provider);
    }

    @Override
    public Account register(ProviderId provider, String accountId, String label) {
        return accounts.register(provider, accountId, label);
    }

    @Override
    public boolean relabel(ProviderId provider, String accountId, String label) {
        return accounts.relabel(provider, accountId, label);
    }

    @Override
    public boolean makeDefault(ProviderId provider, String accountId) {
        return accounts.makeDefault(provider, accountId);
    }

    @Override
    public long changeStamp() {
        gate.ensurePrepared();
        return gate.translate(() -> gate.access().changeStamp(gate.connections()));
    }

    @Override
    public <T> T withRefreshLock(CredentialKey key, Duration maxWait, Supplier<T> work) {
        return rotations.withRefreshLock(key, maxWait, work);
    }

    @Override
    public java.util.Set<CredentialKey> abandonedHere() {
        return rotations.abandonedHere();
    }

    @Override
    public void prepareRotation(SavedAuthentication current) {
        rotations.prepareRotation(current);
    }

    @Override
    public void recordAnswer(SavedAuthentication current, byte[] answer) {
        rotations.recordAnswer(current, answer);
    }

    @Override
    public Optional<RecordedAnswer> recordedAnswer(SavedAuthentication current) {
        return rotations.recordedAnswer(current);
    }

    @Override
    public SaveResult commitRotation(SavedAuthentication candidate) {
        return rotations.commitRotation(candidate);
    }

    @Override
    public void abandonRotation(CredentialKey key) {
        rotations.abandonRotation(key);
    }

    @Override
    public void recordRefresh(CredentialKey key, RefreshRecord record) {
        rotations.recordRefresh(key, record);
    }

    /** Re-encrypts every row not yet under the primary key; returns how many rows changed. */
    public int rekey() {
        int changed = 0;
        for (CredentialKey row : rows.staleKeys()) {
            Optional<SavedAuthentication> current = rows.find(row);
            if (current.isPresent() && rows.save(current.get()) instanceof SaveResult.Saved) {
                changed++;
            }
        }
        return changed;
    }

    /** Where the encryption key came from, and why there (never the key). */
    public KeySource keySource() {
        return cipher.keySource();
    }

    public int schemaVersion() {
        return gate.visit(() -> Migrations.currentVersion(gate.connections()));
    }

    /** Whether any row is stored, known to this version or not. */
    boolean hasRows() {
        return rows.hasRows();
    }

    /** For tests in this package that leave a rotation behind as a crashed process would. */
    RotationJournal journal() {
        return journal;
    }

    /** For tests in this package that inspect the raw rows. */
    Jdbi jdbi() {
        return gate.jdbi();
    }
}

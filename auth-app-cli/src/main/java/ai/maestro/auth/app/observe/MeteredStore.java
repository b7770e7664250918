package ai.maestro.auth.app.observe;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The credential store with its operations timed ({@code maestro.auth.store}: store, operation,
 * outcome) and the wait for the refresh lock ({@code maestro.auth.refresh.lock.wait}: provider,
 * store). Delegates everything; adds a clock read and a timer record per operation.
 */
public final class MeteredStore implements CredentialStore {
    static final String STORE = "maestro.auth.store";
    static final String LOCK_WAIT = "maestro.auth.refresh.lock.wait";

    private final CredentialStore store;
    private final MeterRegistry registry;
    private final String kind;

    /** {@code kind}: {@code h2} or {@code postgresql}. */
    public MeteredStore(CredentialStore store, MeterRegistry registry, String kind) {
        this.store = store;
        this.registry = registry;
        this.kind = kind;
    }

    private boolean detached() {
        return Registries.detached(registry);
    }

    private <T> T timed(String operation, Supplier<T> work) {
        if (detached()) {
            return work.get();
        }
        long started = System.nanoTime();
        String outcome = "failure";
        try {
            T result = work.get();
            outcome = "success";
            return result;
        } finally {
            Timer.builder(STORE).description("Credential store operations").tag("store", kind)
                    .tag("operation", operation).tag("outcome", outcome).register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private void timed(String operation, Runnable work) {
        timed(operation, () -> {
            work.run();
            return null;
        });
    }

    @Override
    public Optional<SavedAuthentication> find(CredentialKey key) {
        return timed("find", () -> store.find(key));
    }

    @Override
    public SaveResult save(SavedAuthentication candidate) {
        return timed("save", () -> store.save(candidate));
    }

    @Override
    public boolean delete(CredentialKey key) {
        return timed("delete", () -> store.delete(key));
    }

    @Override
    public List<CredentialSummary> list() {
        return timed("list", store::list);
    }

    @Override
    public void checkReadyForLogin(ProviderId provider) {
        timed("check_ready", () -> store.checkReadyForLogin(provider));
    }

    @Override
    public <T> T inOneVisit(Supplier<T> work) {
        return store.inOneVisit(work);
    }

    @Override
    public List<String> unrecognizedRows() {
        return timed("unrecognized_rows", store::unrecognizedRows);
    }

    @Override
    public List<Account> accounts(ProviderId provider) {
        return timed("accounts", () -> store.accounts(provider));
    }

    @Override
    public Account register(ProviderId provider, String accountId, String label) {
        return timed("register", () -> store.register(provider, accountId, label));
    }

    @Override
    public boolean relabel(ProviderId provider, String accountId, String label) {
        return timed("relabel", () -> store.relabel(provider, accountId, label));
    }

    @Override
    public boolean makeDefault(ProviderId provider, String accountId) {
        return timed("make_default", () -> store.makeDefault(provider, accountId));
    }

    @Override
    public <T> T withRefreshLock(CredentialKey key, Duration maxWait, Supplier<T> work) {
        long asked = System.nanoTime();
        boolean[] held = new boolean[1];
        try {
            return store.withRefreshLock(key, maxWait, () -> {
                held[0] = true;
                lockWait(key, asked);
                return work.get();
            });
        } finally {
            if (!held[0]) {
                // Gave up (or failed) without the lock: the wait still counts.
                lockWait(key, asked);
            }
        }
    }

    private void lockWait(CredentialKey key, long askedNanos) {
        if (detached()) {
            return;
        }
        Timer.builder(LOCK_WAIT).description("Time spent waiting for the refresh lock")
                .tag("provider", key.provider().cliName()).tag("store", kind).register(registry)
                .record(Duration.ofNanos(System.nanoTime() - askedNanos));
    }

    @Override
    public long changeStamp() {
        return timed("change_stamp", store::changeStamp);
    }

    @Override
    public void prepareRotation(SavedAuthentication current) {
        timed("prepare_rotation", () -> store.prepareRotation(current));
    }

    @Override
    public void recordAnswer(SavedAuthentication current, byte[] answer) {
        // Not timed: this is the window in which a crash loses a rotation, and nothing may widen it.
        store.recordAnswer(current, answer);
    }

    @Override
    public java.util.Optional<ai.maestro.auth.application.port.outbound.RotationLog.RecordedAnswer> recordedAnswer(SavedAuthentication current) {
        return store.recordedAnswer(current);
    }

    @Override
    public SaveResult commitRotation(SavedAuthentication candidate) {
        return timed("commit_rotation", () -> store.commitRotation(candidate));
    }

    @Override
    public java.util.Set<CredentialKey> abandonedHere() {
        return timed("abandoned_here", store::abandonedHere);
    }

    @Override
    public void abandonRotation(CredentialKey key) {
        timed("abandon_rotation", () -> store.abandonRotation(key));
    }

    @Override
    public void recordRefresh(CredentialKey key, RefreshRecord record) {
        timed("record_refresh", () -> store.recordRefresh(key, record));
    }
}

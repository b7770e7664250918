package ai.maestro.auth.testing;

import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.ChangeFeed;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A whole credential store (every role) in a map, with the same compare-and-swap and account rules as the real stores. */
public final class InMemoryCredentialStore implements CredentialRows, AccountDirectory, RefreshLocks, ChangeFeed,
        RotationLog {
    /** A stand-in for a crash after the answer: the next commit of a rotation fails once, as a dead process's would. */
    public volatile boolean failNextCommit;
    private final Map<CredentialKey, SavedAuthentication> rows = new ConcurrentHashMap<>();
    private final List<Account> accounts = new CopyOnWriteArrayList<>();
    private final Map<CredentialKey, ReentrantLock> locks = new ConcurrentHashMap<>();
    public final AtomicInteger reads = new AtomicInteger();
    public final AtomicInteger writes = new AtomicInteger();
    public final AtomicInteger changeStampReads = new AtomicInteger();
    /** While true, every call fails as a database that is down does. */
    public volatile boolean down;
    private final AtomicInteger changes = new AtomicInteger();

    @Override
    public Optional<SavedAuthentication> find(CredentialKey key) {
        failWhenDown();
        reads.incrementAndGet();
        return Optional.ofNullable(rows.get(key));
    }

    @Override
    public synchronized SaveResult save(SavedAuthentication candidate) {
        failWhenDown();
        CredentialKey key = candidate.key();
        if (accounts.stream().noneMatch(a -> a.provider() == key.provider() && a.id().equals(key.account()))) {
            register(key.provider(), key.account(), "acct-" + accounts.size());
        }
        SavedAuthentication current = rows.get(key);
        long currentVersion = current == null ? 0 : current.version();
        if (currentVersion != candidate.version()) {
            return new SaveResult.Conflict(currentVersion);
        }
        SavedAuthentication stored = candidate.withVersion(currentVersion + 1);
        rows.put(key, stored);
        writes.incrementAndGet();
        changes.incrementAndGet();
        return new SaveResult.Saved(stored);
    }

    @Override
    public synchronized boolean delete(CredentialKey key) {
        boolean deleted = rows.remove(key) != null;
        if (deleted) {
            changes.incrementAndGet();
            if (rows.keySet().stream().noneMatch(k -> k.provider() == key.provider()
                    && k.account().equals(key.account()))) {
                Optional<Account> gone = accounts.stream().filter(a -> a.provider() == key.provider()
                        && a.id().equals(key.account())).findFirst();
                gone.ifPresent(accounts::remove);
                if (gone.map(Account::isDefault).orElse(false)) {
                    accounts.stream().filter(a -> a.provider() == key.provider()).findFirst()
                            .ifPresent(next -> makeDefault(next.provider(), next.id()));
                }
            }
        }
        return deleted;
    }

    @Override
    public List<Account> accounts(ProviderId provider) {
        failWhenDown();
        return accounts.stream().filter(a -> a.provider() == provider).toList();
    }

    @Override
    public synchronized Account register(ProviderId provider, String accountId, String label) {
        failWhenDown();
        Optional<Account> known = accounts(provider).stream().filter(a -> a.id().equals(accountId)).findFirst();
        if (known.isPresent()) {
            return known.get();
        }
        if (accounts(provider).stream().anyMatch(a -> a.label().equals(label))) {
            throw new CredentialStoreException("label taken", null, "choose another", null);
        }
        Account account = new Account(provider, accountId, label, accounts(provider).isEmpty());
        accounts.add(account);
        changes.incrementAndGet();
        return account;
    }

    @Override
    public synchronized boolean relabel(ProviderId provider, String accountId, String label) {
        for (Account a : accounts) {
            if (a.provider() == provider && a.id().equals(accountId)) {
                accounts.set(accounts.indexOf(a), new Account(provider, accountId, label, a.isDefault()));
                changes.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized boolean makeDefault(ProviderId provider, String accountId) {
        if (accounts(provider).stream().noneMatch(a -> a.id().equals(accountId))) {
            return false;
        }
        for (Account a : List.copyOf(accounts)) {
            if (a.provider() == provider) {
                accounts.set(accounts.indexOf(a), new Account(provider, a.id(), a.label(), a.id().equals(accountId)));
            }
        }
        changes.incrementAndGet();
        return true;
    }

    private void failWhenDown() {
        if (down) {
            throw new CredentialStoreException("the database is down", null, "start it", null);
        }
    }

    @Override
    public long changeStamp() {
        failWhenDown();
        changeStampReads.incrementAndGet();
        return changes.get();
    }

    @Override
    public <T> T withRefreshLock(CredentialKey key, Duration maxWait, Supplier<T> work) {
        failWhenDown();
        ReentrantLock lock = locks.computeIfAbsent(key, p -> new ReentrantLock());
        try {
            if (!lock.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CredentialStoreException("refresh lock busy", null, "try again", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialStoreException("interrupted", null, "try again", e);
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public java.util.Set<CredentialKey> abandonedHere() {
        // A lock of this JVM dies with it.
        return java.util.Set.of();
    }

    /** The last refresh of each row, as {@link #recordRefresh} kept it. */
    public final Map<CredentialKey, RefreshRecord> lastRefreshes = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void recordRefresh(CredentialKey key, RefreshRecord record) {
        lastRefreshes.put(key, record);
    }

    @Override
    public List<CredentialSummary> list() {
        List<CredentialSummary> out = new ArrayList<>();
        rows.values().forEach(r -> {
            Account account = accounts(r.provider()).stream().filter(a -> a.id().equals(r.key().account()))
                    .findFirst().orElseThrow();
            out.add(new CredentialSummary(r.key(), account.label(), account.isDefault(), r.expiresAt(),
                    r.updatedAt(), r.version(), r.reloginRequired().isPresent(),
                    Optional.ofNullable(lastRefreshes.get(r.key())), Optional.empty()));
        });
        return out;
    }

    @Override
    public void checkReadyForLogin(ProviderId provider) {
        failWhenDown();
    }

    @Override
    public <T> T inOneVisit(Supplier<T> work) {
        return work.get();
    }

    @Override
    public List<String> unrecognizedRows() {
        return List.of();
    }

    @Override
    public void prepareRotation(SavedAuthentication current) {
    }

    /** Answers recorded and not yet stored, by account: what a process that died after the answer leaves. */
    public final Map<CredentialKey, java.util.Map.Entry<Long, RecordedAnswer>> recordedAnswers =
            new ConcurrentHashMap<>();

    @Override
    public void recordAnswer(SavedAuthentication current, byte[] answer) {
        recordedAnswers.put(current.key(), java.util.Map.entry(current.version(),
                new RecordedAnswer(answer, java.time.Instant.now())));
    }

    @Override
    public java.util.Optional<RecordedAnswer> recordedAnswer(SavedAuthentication current) {
        var recorded = recordedAnswers.get(current.key());
        return recorded != null && recorded.getKey() == current.version()
                ? java.util.Optional.of(recorded.getValue()) : java.util.Optional.empty();
    }

    @Override
    public SaveResult commitRotation(SavedAuthentication candidate) {
        if (failNextCommit) {
            failNextCommit = false;
            throw new ai.maestro.auth.domain.error.CredentialStoreException("the process died", null, "", null);
        }
        SaveResult saved = save(candidate);
        recordedAnswers.remove(candidate.key());
        return saved;
    }

    @Override
    public void abandonRotation(CredentialKey key) {
        recordedAnswers.remove(key);
    }
}

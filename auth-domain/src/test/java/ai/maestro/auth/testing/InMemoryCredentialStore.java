package ai.maestro.auth.testing;

import ai.maestro.auth.application.port.out.CredentialStorePort;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** A CredentialStorePort in a map, with the same compare-and-swap rule as the real stores. */
public final class InMemoryCredentialStore implements CredentialStorePort {
    private record Key(ProviderId provider, AuthType authType) {
    }

    private final Map<Key, SavedAuthentication> rows = new ConcurrentHashMap<>();
    private final Map<ProviderId, ReentrantLock> locks = new ConcurrentHashMap<>();
    public final AtomicInteger reads = new AtomicInteger();
    public final AtomicInteger writes = new AtomicInteger();
    public final AtomicInteger changeStampReads = new AtomicInteger();
    /** While true, every call fails as a database that is down does. */
    public volatile boolean down;
    private final AtomicInteger changes = new AtomicInteger();

    @Override
    public Optional<SavedAuthentication> find(ProviderId provider, AuthType authType) {
        failWhenDown();
        reads.incrementAndGet();
        return Optional.ofNullable(rows.get(new Key(provider, authType)));
    }

    @Override
    public synchronized SaveResult save(SavedAuthentication candidate) {
        failWhenDown();
        Key key = new Key(candidate.provider(), candidate.authType());
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
    public boolean delete(ProviderId provider, AuthType authType) {
        boolean deleted = rows.remove(new Key(provider, authType)) != null;
        if (deleted) {
            changes.incrementAndGet();
        }
        return deleted;
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
    public <T> T withRefreshLock(ProviderId provider, Duration maxWait, Supplier<T> work) {
        failWhenDown();
        ReentrantLock lock = locks.computeIfAbsent(provider, p -> new ReentrantLock());
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
    public List<CredentialSummary> list() {
        List<CredentialSummary> out = new ArrayList<>();
        rows.values().forEach(r -> out.add(new CredentialSummary(r.provider(), r.authType(), r.expiresAt(),
                r.updatedAt(), r.version(), r.reloginRequired().isPresent())));
        return out;
    }
}

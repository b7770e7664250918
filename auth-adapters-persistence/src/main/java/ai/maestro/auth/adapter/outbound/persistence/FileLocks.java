package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Exclusive locks on files in the data directory, across processes (an OS lock, which the kernel
 * drops when its process exits or is killed, so no process depends on another's lifetime) and
 * across the threads of this JVM (OS locks belong to the whole process). Reentrant per thread.
 */
final class FileLocks {
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
    /** One daemon thread, made on the first wait, that ends waits at their deadline. */
    private static final LazyAlarms ALARMS = new LazyAlarms();

    private FileLocks() {
    }

    private static final class LazyAlarms {
        private volatile ScheduledExecutorService alarms;

        ScheduledExecutorService get() {
            ScheduledExecutorService made = alarms;
            if (made == null) {
                synchronized (this) {
                    made = alarms;
                    if (made == null) {
                        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                            Thread thread = new Thread(task, "maestro-auth-lock-alarm");
                            thread.setDaemon(true);
                            return thread;
                        });
                        executor.setRemoveOnCancelPolicy(true);
                        alarms = made = executor;
                    }
                }
            }
            return made;
        }
    }

    /**
     * Runs {@code work} holding the lock on {@code file}; waits at most {@code maxWait}, then throws
     * {@link CredentialStoreException} saying that {@code what} was held that long.
     */
    static <T> T withLock(Path file, Duration maxWait, String what, Supplier<T> work) {
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
        if (local.isHeldByCurrentThread()) {
            return work.get();
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            if (!local.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw LockWaits.heldTooLong(what, maxWait, Optional.of(LockWaits.Holder.anotherThread()),
                        "`fuser " + file + "`");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialStoreException("Interrupted while waiting for " + what + ".", null,
                    "Try again.", e);
        }
        try (FileChannel channel = open(file)) {
            FileLock lock = acquire(channel, deadline, what, maxWait, file);
            recordHolder(channel);
            try {
                return work.get();
            } finally {
                release(lock);
            }
        } catch (IOException e) {
            throw new CredentialStoreException("The lock file " + file + " cannot be used: " + e.getClass()
                    .getSimpleName() + ".", null, "Check that you own " + file.getParent()
                    + " and that its disk is not full.", e);
        } finally {
            local.unlock();
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(OwnerOnlyFiles.ensure(file), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Writes who holds the lock into the lock file, so that a process that waits too long can say
     * who keeps it waiting. Read and written through the locking channel only: on POSIX, closing any
     * other descriptor of the file would drop this process's lock.
     */
    private static void recordHolder(FileChannel channel) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(LockWaits.Holder.thisProcess().line().getBytes(StandardCharsets.US_ASCII)), 0);
    }

    private static Optional<LockWaits.Holder> readHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(128);
            channel.read(buffer, 0);
            return LockWaits.Holder.parse(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Waits in the kernel for the lock (woken the moment its holder lets go or dies: no polling, no
     * lag), bounded: at the deadline an alarm closes the channel under the waiting call.
     */
    private static FileLock acquire(FileChannel channel, long deadline, String what, Duration maxWait, Path file)
            throws IOException {
        FileLock lock = channel.tryLock();
        if (lock != null) {
            return lock;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw heldTooLong(what, maxWait, file);
        }
        ScheduledFuture<?> alarm = ALARMS.get().schedule(() -> closeQuietly(channel), left, TimeUnit.NANOSECONDS);
        try {
            lock = channel.lock();
        } catch (FileLockInterruptionException | ClosedByInterruptException e) {
            alarm.cancel(false);
            // The interrupt status stays set for the caller.
            throw new CredentialStoreException("Interrupted while waiting for " + what + ".", null, "Try again.", e);
        } catch (AsynchronousCloseException timedOut) {
            throw heldTooLong(what, maxWait, file);
        }
        if (!alarm.cancel(false)) {
            // The alarm went off as the lock came: the channel, and the lock with it, may be gone.
            awaitQuietly(alarm);
            if (!channel.isOpen()) {
                throw heldTooLong(what, maxWait, file);
            }
        }
        return lock;
    }

    /** Says who held the lock, read through a channel of its own (this process holds no lock on it). */
    private static CredentialStoreException heldTooLong(String what, Duration maxWait, Path file) {
        Optional<LockWaits.Holder> holder;
        try (FileChannel reading = open(file)) {
            holder = readHolder(reading);
        } catch (IOException unreadable) {
            holder = Optional.empty();
        }
        return LockWaits.heldTooLong(what, maxWait, holder, "`fuser " + file + "`");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closed is closed.
        }
    }

    private static void awaitQuietly(ScheduledFuture<?> alarm) {
        try {
            alarm.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException ignored) {
            // It ran or it did not; the channel says which.
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
        } catch (IOException closing) {
            // Closing the channel releases it too.
        }
    }
}

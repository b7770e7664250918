package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final long POLL_MILLIS = 5;

    private FileLocks() {
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

    private static FileLock acquire(FileChannel channel, long deadline, String what, Duration maxWait, Path file)
            throws IOException {
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline > 0) {
                throw LockWaits.heldTooLong(what, maxWait, readHolder(channel), "`fuser " + file + "`");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CredentialStoreException("Interrupted while waiting for " + what + ".", null, "Try again.", e);
            }
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

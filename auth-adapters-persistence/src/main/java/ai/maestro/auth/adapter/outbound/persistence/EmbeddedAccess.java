package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * The embedded H2 file, shared by processes that come and go: each operation opens the database
 * in plain embedded mode under an OS lock on {@code credentials.lock} and closes it again, so no
 * process serves the file to another (no TCP server, nothing to lose when one exits) and every
 * commit is on disk before the lock is released. Refreshes are serialised by a second OS lock
 * per provider, held across the token request, which a killed process drops at once. The change
 * stamp is a counter in {@code changes.stamp}, read without opening the database.
 */
final class EmbeddedAccess implements StoreAccess {
    /** Operations are milliseconds long; this only bounds a stuck or runaway process. */
    static final Duration OPERATION_WAIT = Duration.ofSeconds(20);

    private static final String STAMP_FILE = "changes.stamp";

    /** Each write leaves a chunk behind; a few rows take tens of KB once the file is rewritten. */
    static final long COMPACT_ABOVE_BYTES = 1024 * 1024;

    private final Path directory;
    private final Runnable compact;
    private final StoreGeneration generation;
    /** The generation a write of this thread's current operation moved the store to, until it committed. */
    private final ThreadLocal<Long> written = new ThreadLocal<>();

    /** {@code compact} rewrites the database file to its live data (a few ms for a few rows). */
    EmbeddedAccess(Path directory, Runnable compact, StoreGeneration generation) {
        this.directory = directory;
        this.compact = compact;
        this.generation = generation;
    }

    @Override
    public boolean holdsConnectionPerVisit() {
        return true;
    }

    @Override
    public <T> T access(Supplier<T> operation) {
        return FileLocks.withLock(directory.resolve("credentials.lock"), OPERATION_WAIT, "the credential store", () -> {
            T result;
            try {
                result = operation.get();
                Long committed = written.get();
                if (committed != null) {
                    generation.committed(committed);
                }
            } finally {
                written.remove();
            }
            compactWhenGrown();
            return result;
        });
    }

    private void compactWhenGrown() {
        try {
            if (Files.size(directory.resolve("credentials.mv.db")) > COMPACT_ABOVE_BYTES) {
                compact.run();
            }
        } catch (IOException | RuntimeException e) {
            // The operation succeeded; a later one compacts (H2 rewrites into a new file, then swaps).
        }
    }

    @Override
    public void changed(Handle handle) {
        written.set(StoreGeneration.advance(handle));
        // Under the store lock, so increments never race; page cache survives a killed process.
        Path file = directory.resolve(STAMP_FILE);
        try {
            long next = readStamp(file) + 1;
            Files.write(OwnerOnlyFiles.ensure(file), ByteBuffer.allocate(Long.BYTES).putLong(next).array());
        } catch (IOException e) {
            throw new CredentialStoreException("The change stamp " + file + " cannot be written.", null,
                    "Check that you own " + directory + " and that its disk is not full.", e);
        }
    }

    @Override
    public long changeStamp(StoreConnections connections) {
        return readStamp(directory.resolve(STAMP_FILE));
    }

    private static long readStamp(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            // A read torn by a concurrent write just looks like a change, which costs one re-check.
            return bytes.length == Long.BYTES ? ByteBuffer.wrap(bytes).getLong() : bytes.length == 0 ? 0 : -1;
        } catch (NoSuchFileException never) {
            return 0;
        } catch (IOException e) {
            throw new CredentialStoreException("The change stamp " + file + " cannot be read.", null,
                    "Check that you own " + file.getParent() + ".", e);
        }
    }

    @Override
    public java.util.Map<String, ai.maestro.auth.domain.UnstoredRefresh> unstoredRefreshes() {
        // An OS lock dies with its process: a refresh in flight holds it, a dead one leaves nothing.
        return java.util.Map.of();
    }

    @Override
    public java.util.Set<String> abandonedHere() {
        return java.util.Set.of();
    }

    @Override
    public <T> T withRefreshLock(CredentialKey provider, Duration maxWait, java.util.function.LongSupplier rowVersion,
                                 java.util.function.Function<java.util.Optional<String>, T> work) {
        // A dead holder's OS lock died with it: there is never a lease to take over.
        return FileLocks.withLock(directory.resolve("refresh-" + provider.accountName() + ".lock"), maxWait,
                "the " + provider.provider().cliName() + " refresh lock", () -> work.apply(java.util.Optional.empty()));
    }
}

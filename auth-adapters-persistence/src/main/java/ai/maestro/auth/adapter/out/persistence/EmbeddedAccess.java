package ai.maestro.auth.adapter.out.persistence;

import ai.maestro.auth.domain.ProviderId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The embedded H2 file, shared by processes that come and go: each operation opens the database
 * in plain embedded mode under an OS lock on {@code credentials.lock} and closes it again, so no
 * process serves the file to another (no TCP server, nothing to lose when one exits) and every
 * commit is on disk before the lock is released. Refreshes are serialised by a second OS lock
 * per provider, held across the token request, which a killed process drops at once.
 */
final class EmbeddedAccess implements StoreAccess {
    /** Operations are milliseconds long; this only bounds a stuck or runaway process. */
    static final Duration OPERATION_WAIT = Duration.ofSeconds(20);

    private final Path directory;

    EmbeddedAccess(Path directory) {
        this.directory = directory;
    }

    @Override
    public <T> T access(Supplier<T> operation) {
        return FileLocks.withLock(directory.resolve("credentials.lock"), OPERATION_WAIT, "the credential store",
                operation);
    }

    @Override
    public <T> T withRefreshLock(ProviderId provider, Duration maxWait, Supplier<T> work) {
        return FileLocks.withLock(directory.resolve("refresh-" + provider.cliName() + ".lock"), maxWait,
                "the " + provider.cliName() + " refresh lock", work);
    }
}

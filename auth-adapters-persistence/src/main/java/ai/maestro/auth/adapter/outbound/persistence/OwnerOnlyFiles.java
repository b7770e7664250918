package ai.maestro.auth.adapter.outbound.persistence;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files of the data directory are created readable by their owner only (0600), like the key file. */
final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} 0600 unless it exists; another process creating it first is fine. */
    static Path ensure(Path file) throws IOException {
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            // The same file serves.
        } catch (UnsupportedOperationException notPosix) {
            try {
                Files.createFile(file);
            } catch (FileAlreadyExistsException raced) {
                // The same file serves.
            }
        }
        return file;
    }
}

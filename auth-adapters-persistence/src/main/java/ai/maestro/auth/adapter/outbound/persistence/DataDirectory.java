package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The data directory: the user's own (0700), and the files maestro-auth makes there owner-only. */
final class DataDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {
    }

    /**
     * The data directory holds tokens and the key: owner-only (0700) on POSIX systems. One that
     * another user owns, or that others may write to, is refused rather than used or changed: its
     * owner could swap the files under us.
     */
    static void prepareDataDirectory(Path directory) {
        try {
            if (!Files.isDirectory(directory)) {
                try {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                } catch (UnsupportedOperationException notPosix) {
                    Files.createDirectories(directory);
                }
            }
            if (isPosix(directory)) {
                refuseForeignOrOpen(directory);
                Files.setPosixFilePermissions(directory, OWNER_ONLY_DIR);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new CredentialStoreException("The data directory " + directory + " is a file, not a directory.",
                    null, "Set MAESTRO_AUTH_HOME to a directory you own.", e);
        } catch (IOException e) {
            throw new CredentialStoreException("The data directory " + directory + (Files.isDirectory(directory)
                    ? " cannot be used" : " cannot be created") + " (" + describe(e) + ").", null,
                    "Set MAESTRO_AUTH_HOME to a writable directory you own.", e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e instanceof java.nio.file.NoSuchFileException ? "no such place can be created there"
                : e.getClass().getSimpleName();
    }

    private static void refuseForeignOrOpen(Path directory) throws IOException {
        java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(directory,
                java.nio.file.attribute.PosixFileAttributes.class);
        String me = System.getProperty("user.name");
        if (!attributes.owner().getName().equals(me)) {
            throw new CredentialStoreException("The data directory " + directory + " belongs to "
                    + attributes.owner().getName() + ", not to " + me + ".", null,
                    "Set MAESTRO_AUTH_HOME to a directory you own.", null);
        }
        if (attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)
                || attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)) {
            throw new CredentialStoreException("The data directory " + directory + " is writable by others ("
                    + PosixFilePermissions.toString(attributes.permissions()) + ").", null,
                    "Run `chmod 700 " + directory + "`, or set MAESTRO_AUTH_HOME to a private directory.", null);
        }
    }

    /** The files maestro-auth itself makes in the data directory; nothing else there is touched. */
    static final java.util.List<String> OWN_FILES = java.util.List.of("credentials.mv.db", "credentials.trace.db",
            "credentials.lock", "refresh-openai.lock", "refresh-anthropic.lock", "rotation-openai.journal",
            "rotation-anthropic.journal", "changes.stamp", StoreGeneration.FILE);

    static void restrictDatabaseFiles(Path directory) {
        if (!isPosix(directory)) {
            return;
        }
        try {
            for (String name : OWN_FILES) {
                Path file = directory.resolve(name);
                // Never through a link: it could point anywhere.
                if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException e) {
            throw new CredentialStoreException("The files in " + directory + " cannot be made owner-only.", null,
                    "Check that you own " + directory + ".", e);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

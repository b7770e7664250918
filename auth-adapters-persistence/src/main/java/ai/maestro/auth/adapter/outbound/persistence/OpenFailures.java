package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Why a store did not open, in the user's terms: unreachable, refused, missing, damaged, full. */
final class OpenFailures {
    private OpenFailures() {
    }

    /** Why the store did not open, in the user's terms: unreachable, refused, damaged, full. */
    static CredentialStoreException cannotOpen(PersistenceSettings settings, boolean postgres,
                                                       RuntimeException e) {
        java.sql.SQLException sql = null;
        for (Throwable cause = e; cause != null && sql == null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException found) {
                sql = found;
            }
        }
        return postgres ? postgres(settings, sql, e) : embedded(settings, sql, e);
    }

    private static CredentialStoreException postgres(PersistenceSettings settings, java.sql.SQLException sql,
                                                     RuntimeException e) {
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.startsWith("08")) {
            return new CredentialStoreException("The PostgreSQL server of " + settings.describe()
                    + " cannot be reached (SQLSTATE " + state + ").", null,
                    "Check that it is running and that MAESTRO_AUTH_DB_URL names it; nothing was changed.", e);
        }
        if (state.startsWith("28")) {
            return new CredentialStoreException("PostgreSQL refused the login of user '" + settings.user()
                    + "' (SQLSTATE " + state + ").", null,
                    "Check MAESTRO_AUTH_DB_USER and MAESTRO_AUTH_DB_PASSWORD.", e);
        }
        if ("3D000".equals(state)) {
            return new CredentialStoreException("The database of " + settings.describe() + " does not exist.",
                    null, "Create it (createdb), or fix MAESTRO_AUTH_DB_URL.", e);
        }
        return new CredentialStoreException("The credential store (" + settings.describe() + ") cannot be opened"
                + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")") + ".", null,
                "Check MAESTRO_AUTH_DB_URL, MAESTRO_AUTH_DB_USER and the server's log; nothing was changed.", e);
    }

    private static CredentialStoreException embedded(PersistenceSettings settings, java.sql.SQLException sql,
                                                     RuntimeException e) {
        Path file = Path.of(settings.embeddedDatabaseFile() + ".mv.db");
        int code = sql == null ? 0 : sql.getErrorCode();
        // H2: 90028 IO error, 90030 file corrupted, 90048 unsupported file version, 90020 locked elsewhere.
        if (code == 90028 || code == 90030 || code == 90048) {
            boolean full = isFull(settings.dataDirectory());
            return new CredentialStoreException(full ? "The disk holding " + file + " is full."
                    : "The embedded store " + file + " is damaged or is not a maestro-auth store.", null,
                    full ? "Free some space, then try again; nothing was changed."
                            : "Move it aside (it holds only encrypted tokens): mv " + file + " " + file
                            + ".broken, then log in again.", e);
        }
        return new CredentialStoreException("The embedded store " + file + " cannot be opened"
                + (code == 0 ? "" : " (H2 error " + code + ")") + ".", null,
                "Check that you own " + settings.dataDirectory() + " and that its disk is not full.", e);
    }

    private static boolean isFull(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace() < 64 * 1024;
        } catch (IOException e) {
            return false;
        }
    }
}

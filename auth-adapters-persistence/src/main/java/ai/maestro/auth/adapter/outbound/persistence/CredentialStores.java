package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.config.ConfigProblem;
import ai.maestro.auth.domain.error.CredentialStoreException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/** Opens the credential store the settings describe, migrating its schema first. */
public final class CredentialStores {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CredentialStores.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private CredentialStores() {
    }

    /**
     * Keys from the environment or the key file in the data directory. A key file is generated only
     * for a store without rows: when it is missing while rows remain, the store opens without a key
     * and says so on every read or write.
     */
    public static JdbiCredentialStore open(PersistenceSettings settings, Map<String, String> env, SecureRandom random) {
        prepareDataDirectory(settings.dataDirectory());
        Path keyFile = settings.dataDirectory().resolve(EncryptionKeys.KEY_FILE);
        // Whether rows exist is asked only when no key is found (a key must not be made for them), and once.
        Boolean[] rows = new Boolean[1];
        BooleanSupplier hasRows = () -> rows[0] != null ? rows[0]
                : (rows[0] = openPrepared(settings, EncryptionKeys.lost(keyFile), random).hasRows());
        return openPrepared(settings, KeyStores.keysFor(settings, env, random, hasRows), random);
    }

    /** Where the key would be found or made, for {@code config} (the keyring is not asked). */
    public static String keyPlace(PersistenceSettings settings, Map<String, String> env) {
        return KeyStores.predict(settings, env);
    }

    /**
     * Moves the encryption key into the keyring ({@code keyring}) or a file ({@code file}) after
     * checking that a stored row decrypts with it in its new place; one line says what was done.
     */
    public static String moveKey(PersistenceSettings settings, Map<String, String> env, String target,
                                 SecureRandom random) {
        prepareDataDirectory(settings.dataDirectory());
        KeySource.Kind kind = switch (target) {
            case "keyring" -> KeySource.Kind.KEYRING;
            case "file" -> KeySource.Kind.FILE;
            default -> throw new IllegalArgumentException("--key-store is keyring or file");
        };
        return KeyStores.move(settings, env, kind, keys -> {
            JdbiCredentialStore store = openPrepared(settings, keys, random);
            store.list().stream().findFirst().ifPresent(row -> store.find(row.key()));
        });
    }

    public static JdbiCredentialStore open(PersistenceSettings settings, EncryptionKeys keys, SecureRandom random) {
        prepareDataDirectory(settings.dataDirectory());
        return openPrepared(settings, keys, random);
    }

    /** Opens the store in a data directory that {@link #prepareDataDirectory} has checked. */
    private static JdbiCredentialStore openPrepared(PersistenceSettings settings, EncryptionKeys keys,
                                                    SecureRandom random) {
        long started = System.nanoTime();
        boolean postgres = settings.jdbcUrl().isPresent();
        DataSource dataSource = postgres ? postgres(settings.jdbcUrl().get(), settings) : h2(settings);
        Jdbi jdbi = Jdbi.create(dataSource);
        Path file = Path.of(settings.embeddedDatabaseFile() + ".mv.db");
        StoreGeneration generation = new StoreGeneration(settings.dataDirectory(), file);
        // Known before H2 opens it: a file that does not exist yet is new, not one that reads as empty.
        boolean existed = postgres || Files.exists(file);
        StoreAccess access = postgres ? new PostgresAccess(dataSource, settings.describe(), settings.machineName())
                : new EmbeddedAccess(settings.dataDirectory(), () -> jdbi.useHandle(h -> h.execute(StoreSql.SHUTDOWN_COMPACT)),
                generation);
        // Migrations (one query when the schema is current) run in the first visit, inside the same open
        // of the database as the first operation: a command opens an embedded store once, not twice.
        Runnable prepare = () -> {
            if (!postgres) {
                if (existed) {
                    jdbi.useHandle(generation::check);
                } else {
                    generation.forget();
                }
            }
            Migrations.migrate(jdbi, postgres);
            if (!postgres) {
                restrictDatabaseFiles(settings.dataDirectory());
            }
            LOG.debug("Opened the credential store {} in {} ms", settings.describe(),
                    (System.nanoTime() - started) / 1_000_000);
        };
        ObjectMapper json = new ObjectMapper();
        CredentialCipher cipher = new CredentialCipher(keys, random);
        CredentialCodec codec = new CredentialCodec(json);
        return new JdbiCredentialStore(jdbi, access, new RotationJournal(settings.dataDirectory(), cipher, codec, json),
                cipher, codec, settings.describe(), prepare, e -> cannotOpen(settings, postgres, e));
    }

    /** Why the store did not open, in the user's terms: unreachable, refused, damaged, full. */
    private static CredentialStoreException cannotOpen(PersistenceSettings settings, boolean postgres,
                                                       RuntimeException e) {
        java.sql.SQLException sql = null;
        for (Throwable cause = e; cause != null && sql == null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException found) {
                sql = found;
            }
        }
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        if (postgres) {
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

    /**
     * H2 in plain embedded mode, opened per operation under {@link EmbeddedAccess}'s file lock and
     * closed when its connection closes: no server, no port, no process depends on another. No
     * shutdown hook (DB_CLOSE_ON_EXIT=FALSE): nothing is open at exit, and H2's own hook could spin
     * on a full disk. WRITE_DELAY=0 writes each commit before it returns, so a full disk fails the
     * statement instead of losing an acknowledged commit at close. Closing does not compact (that
     * would cost every operation milliseconds); {@link EmbeddedAccess} rewrites the file once it has
     * grown instead. TRACE_LEVEL_FILE=0: no credentials.trace.db; errors reach the user as our own lines.
     */
    static DataSource h2(PersistenceSettings settings) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + settings.embeddedDatabaseFile()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;LOCK_TIMEOUT=10000;MAX_COMPACT_TIME=0;TRACE_LEVEL_FILE=0");
        dataSource.setUser("maestro");
        dataSource.setPassword("");
        return dataSource;
    }

    /** Connections at most: the refresh lock's own, the work's, and a reader or two of other threads. */
    static final int POOL_SIZE = 4;

    /**
     * A small HikariCP pool over the PostgreSQL driver: a store call reuses a connection instead of
     * opening one (a TCP and authentication round trip each). Nothing is opened before the first
     * call, a connection idle for a minute is closed, and a database that does not answer fails the
     * call within 3 s with the driver's own SQLSTATE.
     */
    static DataSource postgres(String url, PersistenceSettings settings) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ai.maestro.auth.domain.error.ConfigurationException(List.of(new ConfigProblem(null,
                    PersistenceSettings.DB_URL, ConfigProblem.Kind.INVALID_VALUE, PersistenceSettings.DB_URL
                    + " must be a jdbc:postgresql: URL (or unset for the embedded store)")));
        }
        PGSimpleDataSource driver = new PGSimpleDataSource();
        driver.setURL(url);
        if (!settings.user().isEmpty()) {
            driver.setUser(settings.user());
        }
        if (!settings.password().isEmpty()) {
            driver.setPassword(settings.password());
        }
        if (!url.contains("ApplicationName=")) {
            // What pg_stat_activity shows; an operator may name each machine's sessions in the URL instead.
            driver.setApplicationName("maestro-auth");
        }
        driver.setConnectTimeout(3);
        com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
        pool.setDataSource(driver);
        pool.setPoolName("maestro-auth");
        pool.setMaximumPoolSize(POOL_SIZE);
        // Said, not probed: HikariCP reads the default from its first connection once, and a session cut
        // during that read leaves -1 behind, which then fails every new connection of the process.
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        pool.setMinimumIdle(0);
        pool.setIdleTimeout(java.time.Duration.ofMinutes(1).toMillis());
        pool.setConnectionTimeout(java.time.Duration.ofSeconds(3).toMillis());
        pool.setValidationTimeout(java.time.Duration.ofSeconds(1).toMillis());
        // Fail at the first call (as a typed store error), not while the store object is built.
        pool.setInitializationFailTimeout(-1);
        return new com.zaxxer.hikari.HikariDataSource(pool);
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

    private static void restrictDatabaseFiles(Path directory) {
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

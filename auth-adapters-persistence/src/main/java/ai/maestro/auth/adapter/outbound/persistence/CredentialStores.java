package ai.maestro.auth.adapter.outbound.persistence;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;

/** Opens the credential store the settings describe, migrating its schema first. */
public final class CredentialStores {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CredentialStores.class);

    private CredentialStores() {
    }

    /**
     * Keys from the environment or the key file in the data directory. A key file is generated only
     * for a store without rows: when it is missing while rows remain, the store opens without a key
     * and says so on every read or write.
     */
    public static JdbiCredentialStore open(PersistenceSettings settings, Map<String, String> env, SecureRandom random) {
        DataDirectory.prepareDataDirectory(settings.dataDirectory());
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
        DataDirectory.prepareDataDirectory(settings.dataDirectory());
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
        DataDirectory.prepareDataDirectory(settings.dataDirectory());
        return openPrepared(settings, keys, random);
    }

    /** Opens the store in a data directory that {@link #prepareDataDirectory} has checked. */
    private static JdbiCredentialStore openPrepared(PersistenceSettings settings, EncryptionKeys keys,
                                                    SecureRandom random) {
        Clock clock = Clock.systemUTC();
        long started = System.nanoTime();
        boolean postgres = settings.jdbcUrl().isPresent();
        DataSource dataSource = postgres ? DataSources.postgres(settings.jdbcUrl().get(), settings) : DataSources.h2(settings);
        StoreConnections connections = new StoreConnections(dataSource);
        Path file = Path.of(settings.embeddedDatabaseFile() + ".mv.db");
        StoreGeneration generation = new StoreGeneration(settings.dataDirectory(), file);
        // Known before H2 opens it: a file that does not exist yet is new, not one that reads as empty.
        boolean existed = postgres || Files.exists(file);
        // Jdbi is built on the first write or lease: a command that only reads never builds it.
        StoreAccess access = postgres ? new PostgresAccess(connections, settings.describe(), settings.machineName())
                : new EmbeddedAccess(settings.dataDirectory(), () -> connections.jdbi().useHandle(h -> h.execute(
                StoreSql.SHUTDOWN_COMPACT)), generation);
        // Migrations (one query when the schema is current) run in the first visit, inside the same open
        // of the database as the first operation: a command opens an embedded store once, not twice.
        Runnable prepare = () -> {
            if (!postgres) {
                if (existed) {
                    generation.check(connections);
                } else {
                    generation.forget();
                }
            }
            Migrations.migrate(connections, postgres);
            if (!postgres) {
                DataDirectory.restrictDatabaseFiles(settings.dataDirectory());
            }
            LOG.debug("Opened the credential store {} in {} ms", settings.describe(),
                    (System.nanoTime() - started) / 1_000_000);
        };
        CredentialCipher cipher = new CredentialCipher(keys, random);
        CredentialCodec codec = new CredentialCodec(new JsonFactory());
        return new JdbiCredentialStore(connections, access, new RotationJournal(settings.dataDirectory(), cipher, codec),
                cipher, codec, settings.describe(), prepare, e -> OpenFailures.cannotOpen(settings, postgres, e), clock);
    }



}

package ai.maestro.auth.bench;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStores;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.outbound.persistence.JdbiCredentialStore;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one encrypted save (compare-and-swap update plus the change stamp) and one find (read
 * plus decrypt), on embedded H2 (opened per operation, as processes share it) and on PostgreSQL
 * (pooled); beside each, the same statements on a JDBC connection kept open, the floor.
 * PostgreSQL runs when MAESTRO_AUTH_TEST_PG_URL names a server ({@code -p kind=h2} otherwise).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBenchmark {
    /** The store's own table and row (the one the benchmarks above read and write), by its whole key. */
    private static final String FIND = "SELECT provider, account, auth_type, credentials, key_id, expires_at,"
            + " created_at, updated_at, version, relogin_reason, relogin_since FROM account_credentials"
            + " WHERE provider = 'OPENAI' AND account = '" + Store.ACCOUNT + "' AND auth_type = 'OAUTH'";
    private static final String SAVE = "UPDATE account_credentials SET credentials = ?, updated_at = ?,"
            + " version = version + 1 WHERE provider = 'OPENAI' AND account = '" + Store.ACCOUNT + "'"
            + " AND auth_type = 'OAUTH'";
    private static final String STAMP = "UPDATE store_changes SET stamp = stamp + 1 WHERE id = 1";

    /** A store with one sign-in, on the database {@code kind} names. */
    @State(Scope.Benchmark)
    public static class Store {
        static final String ACCOUNT = "acct-bench";

        @Param({"h2", "postgres"})
        public String kind;
        JdbiCredentialStore store;
        SavedAuthentication current;
        OAuthToken token;
        String url;
        String user;

        @Setup(Level.Trial)
        public void open() throws Exception {
            SecureRandom random = new SecureRandom();
            PersistenceSettings settings;
            if (kind.equals("postgres")) {
                String server = System.getenv("MAESTRO_AUTH_TEST_PG_URL");
                if (server == null || server.isBlank()) {
                    throw new IllegalStateException("set MAESTRO_AUTH_TEST_PG_URL, or run with -p kind=h2");
                }
                user = System.getenv().getOrDefault("MAESTRO_AUTH_TEST_PG_USER", "postgres");
                String schema = "maestro_bench_" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
                try (Connection admin = DriverManager.getConnection(server, user, "")) {
                    admin.createStatement().execute("CREATE SCHEMA " + schema);
                }
                url = server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                settings = new PersistenceSettings(Files.createTempDirectory("maestro-auth-bench"), Optional.of(url),
                        user, "");
            } else {
                settings = PersistenceSettings.embedded(Files.createTempDirectory("maestro-auth-bench"));
                url = "jdbc:h2:file:" + settings.embeddedDatabaseFile() + ";DB_CLOSE_ON_EXIT=FALSE";
                user = "maestro";
            }
            store = CredentialStores.open(settings, EncryptionKeys.parse(EncryptionKeys.generate(random), "bench"),
                    random);
            Instant now = Instant.now();
            token = BenchTokens.realistic(now);
            current = ((SaveResult.Saved) store.save(SavedAuthentication.fresh(ai.maestro.auth.domain.CredentialKey.oauth(ProviderId.OPENAI, Store.ACCOUNT), token, now))).stored();
        }
    }

    /**
     * The same database with a JDBC connection kept open: the floor. A state of its own, so that the
     * store's own benchmarks run without it (an open H2 connection would keep the file open for them).
     */
    @State(Scope.Benchmark)
    public static class Kept {
        Connection connection;
        PreparedStatement find;
        PreparedStatement save;
        PreparedStatement stamp;
        byte[] ciphertext;

        @Setup(Level.Trial)
        public void open(Store store) throws Exception {
            connection = DriverManager.getConnection(store.url, store.user, "");
            find = connection.prepareStatement(FIND);
            save = connection.prepareStatement(SAVE);
            stamp = connection.prepareStatement(STAMP);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    // A floor that reads nothing measures nothing: the query must find the store's row.
                    throw new IllegalStateException("the floor's query finds no row: " + FIND);
                }
                ciphertext = row.getBytes("credentials");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            connection.close();
        }
    }

    @Benchmark
    public SaveResult save(Store s) {
        SaveResult result = s.store.save(s.current.replacedBy(s.token, Instant.now()));
        s.current = ((SaveResult.Saved) result).stored();
        return result;
    }

    @Benchmark
    public Optional<SavedAuthentication> find(Store s) {
        return s.store.find(ai.maestro.auth.domain.CredentialKey.oauth(ProviderId.OPENAI, Store.ACCOUNT));
    }

    /** The floor of save: the row's and the stamp's updates on a kept connection; no cipher, no compare-and-swap. */
    @Benchmark
    public int keptConnectionSave(Kept k) throws Exception {
        k.save.setBytes(1, k.ciphertext);
        k.save.setObject(2, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
        return k.save.executeUpdate() + k.stamp.executeUpdate();
    }

    /** The floor of find: the same query on a kept connection; no decryption. */
    @Benchmark
    public byte[] keptConnectionFind(Kept k) throws Exception {
        try (ResultSet row = k.find.executeQuery()) {
            row.next();
            return row.getBytes("credentials");
        }
    }
}

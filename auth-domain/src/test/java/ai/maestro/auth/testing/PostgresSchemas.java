package ai.maestro.auth.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schemas of their own for tests on a shared PostgreSQL server, dropped when the test JVM exits, so
 * that a machine's database does not fill with the schemas of every run.
 */
public final class PostgresSchemas {
    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();
    private static volatile String server;
    private static volatile String admin;

    private PostgresSchemas() {
    }

    /** A new schema named {@code prefix} and a random part, on the server {@code url} names. */
    public static String create(String url, String user, String prefix) throws SQLException {
        String schema = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(url, user, "")) {
            connection.createStatement().execute("CREATE SCHEMA " + schema);
        }
        synchronized (CREATED) {
            if (server == null) {
                server = url;
                admin = user;
                Runtime.getRuntime().addShutdownHook(new Thread(PostgresSchemas::dropAll, "drop-test-schemas"));
            }
            CREATED.add(schema);
        }
        return schema;
    }

    /**
     * Best effort and bounded: a schema a stuck child still locks stays (lock_timeout), and the
     * next run is not held up by it.
     */
    private static void dropAll() {
        try (Connection connection = DriverManager.getConnection(server, admin, "")) {
            connection.createStatement().execute("SET lock_timeout = '2s'");
            for (String schema : CREATED) {
                try {
                    connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException locked) {
                    // Left for whoever tidies the database; it holds test data only.
                }
            }
        } catch (SQLException unreachable) {
            // The server is gone: nothing to tidy.
        }
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.ConfigProblem;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The two databases a store lives in: embedded H2 in the data directory, or PostgreSQL through a small pool. */
final class DataSources {
    private DataSources() {
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
}

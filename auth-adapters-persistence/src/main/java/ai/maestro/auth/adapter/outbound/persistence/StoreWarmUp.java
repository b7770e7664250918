package ai.maestro.auth.adapter.outbound.persistence;

import java.time.OffsetDateTime;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.NoTemplateEngine;

/**
 * The one-time work of a process's first store visit, done on another core while the command
 * line and the wiring are built: for the embedded store, its database engine and a read like the
 * store's (a statement with a bound parameter, the column types of a row, on an in-memory
 * database that is opened and dropped and touches no file); for PostgreSQL, whose leases are Jdbi
 * statements, Jdbi's configuration (its first {@code Jdbi.create} costs a cold JVM tens of
 * milliseconds, the second about one); for both, the AES-GCM cipher and the random source the
 * store draws nonces from. It opens no store, reads no key, writes nothing and says nothing: a failure here is only
 * time not saved, and the store's own open reports every real problem.
 */
public final class StoreWarmUp {
    private StoreWarmUp() {
    }

    /** Starts the warm-up on a daemon thread: the process never waits for it, nor exits later for it. */
    public static void start(boolean embedded) {
        Thread thread = new Thread(() -> run(embedded), "maestro-auth-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    static void run(boolean embedded) {
        try {
            JdbcDataSource memory = new JdbcDataSource();
            // A private, unnamed in-memory database: gone when its connection closes.
            memory.setURL("jdbc:h2:mem:;TRACE_LEVEL_FILE=0");
            if (embedded) {
                StoreConnections connections = new StoreConnections(memory);
                connections.held(() -> connections.read("SELECT CAST(? AS VARBINARY) AS v, CURRENT_TIMESTAMP AS t,"
                        + " CAST(1 AS BIGINT) AS n, TRUE AS b", rs -> {
                            rs.getBytes("v");
                            rs.getObject("t", OffsetDateTime.class);
                            return rs.getLong("n") + (rs.getBoolean("b") ? 1 : 0);
                        }, "warm"));
            } else {
                Jdbi.create(memory).setTemplateEngine(new NoTemplateEngine());
            }
            new java.security.SecureRandom().nextInt();
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, new byte[12]));
            cipher.doFinal(new byte[32]);
        } catch (Exception | LinkageError nothingSaved) {
            // Expected for the cipher (no tag matches zeros); anything else only means no time is saved.
        }
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import java.time.OffsetDateTime;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The one-time work of a process's first store visit, done on another core while the command
 * line and the wiring are built: for the embedded store, its database engine and a read like the
 * store's (a statement with a bound parameter, the column types of a row, on an in-memory
 * database that is opened and dropped and touches no file); for both stores, the AES-GCM cipher
 * and the random source the store draws nonces from. It opens no store, reads no key, writes
 * nothing and says nothing: a failure here is only time not saved, and the store's own open
 * reports every real problem.
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

    /** Whether every step ran (a failure is only time not saved, but the tests see it). */
    static boolean run(boolean embedded) {
        try {
            if (embedded) {
                JdbcDataSource memory = new JdbcDataSource();
                // A private, unnamed in-memory database: gone when its connection closes.
                memory.setURL("jdbc:h2:mem:;TRACE_LEVEL_FILE=0");
                StoreConnections connections = new StoreConnections(memory);
                connections.held(() -> connections.read("SELECT CAST(? AS VARBINARY) AS v, CURRENT_TIMESTAMP AS t,"
                        + " CAST(1 AS BIGINT) AS n, TRUE AS b", rs -> {
                            rs.getBytes("v");
                            rs.getObject("t", OffsetDateTime.class);
                            return rs.getLong("n") + (rs.getBoolean("b") ? 1 : 0);
                        }, "warm"));
            }
            new java.security.SecureRandom().nextInt();
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, new byte[12]));
            try {
                cipher.doFinal(new byte[32]);
            } catch (javax.crypto.AEADBadTagException expected) {
                // No tag matches zeros: the decryption ran all the same.
            }
            return true;
        } catch (Exception | LinkageError nothingSaved) {
            return false;
        }
    }
}

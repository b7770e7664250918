package ai.maestro.auth.adapter.outbound.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

/** Which failures are a cut session to ride out on a fresh connection, and which are answers. */
class SessionLossTest {
    private static RuntimeException wrapped(SQLException cause) {
        return new RuntimeException("statement failed", cause);
    }

    @Test
    void aTerminatedOrRestartedSessionIsRiddenOutEvenBeforeTheFirstAnswer() {
        for (String state : new String[] {"57P01", "57P02", "57P03", "08006", "08003"}) {
            assertTrue(PostgresAccess.sessionLost(wrapped(new SQLException("gone", state)), false), state);
            assertTrue(PostgresAccess.sessionLost(wrapped(new SQLException("gone", state)), true), state);
        }
        // HikariCP's answer on a connection it closed after its session died under a kept handle.
        assertTrue(PostgresAccess.sessionLost(wrapped(new SQLException("Connection is closed")), false));
    }

    @Test
    void aConnectionNeverMadeIsReportedAtOnceUntilTheDatabaseHasAnsweredOnce() {
        RuntimeException refused = wrapped(new SQLException("Connection refused", "08001"));
        RuntimeException poolTimeout = new ConnectionException(new SQLTransientConnectionException("timed out"));
        assertFalse(PostgresAccess.sessionLost(refused, false), "a wrong port is a setting to report");
        assertFalse(PostgresAccess.sessionLost(poolTimeout, false));
        assertTrue(PostgresAccess.sessionLost(refused, true), "a restart once we were connected");
        assertTrue(PostgresAccess.sessionLost(poolTimeout, true));
    }

    @Test
    void aStatementThatFailedIsAnAnswerNotALostSession() {
        for (String state : new String[] {"23505", "42P01", "28P01", "55P03"}) {
            assertFalse(PostgresAccess.sessionLost(wrapped(new SQLException("no", state)), true), state);
        }
        assertFalse(PostgresAccess.sessionLost(new IllegalStateException("no SQL at all"), true));
    }

    @Test
    void aHolderIsNamedByPidMachineAndAddressNeverMore() {
        assertEquals("pid 4242 on machine build-7 (10.0.0.7)",
                PostgresAccess.describeHolder("maestro-auth pid 4242 since 1764600000000 machine build-7 on 10.0.0.7"));
        assertEquals("pid 17", PostgresAccess.describeHolder("maestro-auth pid 17 since 1"));
        assertEquals("a maestro-auth process", PostgresAccess.describeHolder("something else"));
        assertEquals("a maestro-auth process", PostgresAccess.describeHolder(null));
    }
}

package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every command ends within its deadline, whatever it waits for, and says what kept it: a token
 * endpoint that accepts connections and never answers, another process stuck holding the refresh
 * lock, a bad limit in the environment.
 */
class DeadlinesTest extends OnAUsersMachine {
    private ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @BeforeEach
    void silentTokenEndpoint() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(silent.accept());
                }
            } catch (IOException closed) {
                // The test is over.
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A login whose access token has expired, on a machine whose token endpoint has gone silent. */
    private void expiredLoginThenSilence() throws Exception {
        machine.fake.loginLifetime = Duration.ofSeconds(1);
        machine.cliLogin();
        Thread.sleep(1_200);
        machine.env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort() + "/oauth/token");
    }

    @AfterEach
    void closeSilentServer() throws IOException {
        silent.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Test
    void tokenEndsAtTheHttpDeadlineWhenTheTokenEndpointNeverAnswers() throws Exception {
        expiredLoginThenSilence();
        machine.env.put("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "2");

        String err = tokenEnds(5, 10_000, "token, silent token endpoint, HTTP deadline 2 s");

        assertTrue(err.contains("within 2 s") && err.lines().count() == 1, err);
    }

    /** Runs {@code token openai}: the exit code and a bound on the time it took; prints the time; its stderr. */
    private String tokenEnds(int exit, long maxMillis, String what) throws Exception {
        long started = System.nanoTime();
        try (CliProcess token = CliProcess.start(machine.env, "token", "openai")) {
            assertEquals(exit, token.exitCode(60), token.all());
            long took = millisSince(started);
            System.out.printf("deadlines: %s: exit %d after %d ms: %s%n", what, exit, took, token.err().strip());
            assertTrue(took < maxMillis, "took " + took + " ms: " + token.all());
            assertTrue(token.out().isEmpty(), token.out());
            return token.err();
        }
    }

    @Test
    void aProcessKeptWaitingOnTheRefreshLockNamesTheHolderAndWhatItIsDoing() throws Exception {
        expiredLoginThenSilence();
        keptWaitingOnTheRefreshLock();
    }

    @Test
    void onPostgresTooTheWaiterNamesTheHolder() throws Exception {
        machine.onPostgres();
        expiredLoginThenSilence();
        keptWaitingOnTheRefreshLock();
    }

    private void keptWaitingOnTheRefreshLock() throws Exception {
        try (CliProcess holder = CliProcess.start(withEnv("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "12"), "refresh",
                "openai")) {
            waitForAConnection();
            machine.env.put("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "1");

            String err = tokenEnds(8, 15_000, "token kept waiting on the refresh lock (wait 6 s)");

            assertTrue(err.contains("maestro-auth process " + holder.pid() + " has held the openai refresh lock for"),
                    err);
            assertTrue(err.contains("kill " + holder.pid()), err);
            assertEquals(5, holder.exitCode(60), holder.all());
        }
    }

    @Test
    void theCommandDeadlineEndsAnyWaitWithOneLine() throws Exception {
        expiredLoginThenSilence();
        try (CliProcess holder = CliProcess.start(withEnv("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "12"), "refresh",
                "openai")) {
            waitForAConnection();
            machine.env.put("MAESTRO_AUTH_COMMAND_TIMEOUT_SECONDS", "2");

            String err = tokenEnds(5, 8_000, "token, command timeout 2 s, lock held elsewhere");

            assertTrue(err.startsWith("maestro-auth: gave up after 2 s"), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(holder.isAlive(), "the holder is still waiting for its token endpoint: " + holder.all());
        }
    }

    @Test
    void aLimitThatIsNotANumberIsAConfigurationErrorThatConfigLists() throws Exception {
        machine.env.put("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS", "abc");
        machine.env.put("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", "-1");
        try (CliProcess token = CliProcess.start(machine.env, "token", "openai")) {
            assertEquals(7, token.exitCode(60), token.all());
            assertEquals(1, token.err().lines().count(), token.err());
            assertTrue(token.err().contains("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS must be a whole number of seconds"),
                    token.err());
        }
        try (CliProcess config = CliProcess.start(machine.env, "config")) {
            assertEquals(7, config.exitCode(60), config.all());
            assertTrue(config.out().contains("MAESTRO_AUTH_REFRESH_SKEW_SECONDS must be")
                    && config.out().contains("MAESTRO_AUTH_HTTP_DEADLINE_SECONDS must be"), config.out());
        }
    }

    private java.util.Map<String, String> withEnv(String variable, String value) {
        java.util.Map<String, String> env = new java.util.HashMap<>(machine.env);
        env.put(variable, value);
        return env;
    }

    /** The holder has taken the refresh lock and sent its request to the silent endpoint. */
    private void waitForAConnection() throws InterruptedException {
        for (int i = 0; i < 400 && held.isEmpty(); i++) {
            Thread.sleep(25);
        }
        assertTrue(!held.isEmpty(), "the first process never reached the token endpoint");
    }
}

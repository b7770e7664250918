package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * A login left waiting in another terminal: a web page cannot end it, a second login finds the port
 * busy before showing an address, and the same user's {@code login --cancel-previous} ends it.
 */
class StaleLoginTest extends OnAUsersMachine {
    private final OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();

    @Test
    void onlyTheSameUsersNextLoginCanCancelAWaitingOne() throws Exception {
        int port = URI.create(machine.env.get("OPENAI_OAUTH_REDIRECT_URI")).getPort();
        try (CliProcess stale = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "120")) {
            stale.authorizationUrl();
            Path secretFile = machine.data.resolve("login-" + port + ".cancel");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));

            // What a web page can send: <img src="http://localhost:PORT/cancel">.
            try (Response page = browser.newCall(new Request.Builder().url("http://localhost:" + port + "/cancel")
                    .header("Referer", "https://attacker.example/").build()).execute()) {
                assertEquals(403, page.code());
            }
            assertTrue(stale.isAlive(), stale.all());

            try (CliProcess next = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
                assertEquals(6, stale.exitCode(30), stale.all());
                assertTrue(stale.err().contains("cancelled"), stale.all());
                String url = next.authorizationUrl();
                assertTrue(next.out().contains("Cancelled the earlier login waiting on port " + port), next.all());
                assertTrue(url.contains("localhost%3A" + port), "not the first port: " + url);
                try (Response redirect = browser.newCall(new Request.Builder().url(url).build()).execute()) {
                    next.type(redirect.header("Location"));
                }
                assertEquals(0, next.exitCode(60), next.all());
            }
            assertFalse(Files.exists(secretFile), "the ended login's secret is left behind");
        }
    }
}

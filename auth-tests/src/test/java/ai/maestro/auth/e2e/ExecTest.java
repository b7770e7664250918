package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code maestro-auth exec}: children in other languages (Python with its standard library, bash with
 * curl) get tokens from the host through the two variables and use them on the provider's API (a
 * MockWebServer that checks the bearer); the child's exit code and signals go through.
 */
class ExecTest extends OnAUsersMachine {
    private final MockWebServer api = new MockWebServer();
    private final Set<String> acceptedTokens = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeEach
    void providerApi() throws IOException {
        api.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String bearer = String.valueOf(request.getHeaders().get("Authorization"));
                boolean ok = bearer.equals("Bearer " + machine.fake.lastAccessToken)
                        && request.getHeaders().get("ChatGPT-Account-ID") != null;
                if (ok) {
                    acceptedTokens.add(bearer);
                }
                return new MockResponse.Builder().code(ok ? 200 : 401).body(ok ? "{\"models\":[]}" : "").build();
            }
        });
        api.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private static final String PYTHON_CHILD = String.join("\n",
            "import json, os, urllib.request",
            "def token(provider):",
            "    request = urllib.request.Request(os.environ['MAESTRO_AUTH_URL'] + '/v1/token/' + provider,",
            "        headers={'Authorization': 'Bearer ' + os.environ['MAESTRO_AUTH_SECRET']})",
            "    with urllib.request.urlopen(request, timeout=30) as answer:",
            "        return json.load(answer)",
            "t = token('openai')",
            "assert t['token_type'] == 'Bearer' and t['provider'] == 'openai' and 'T' in t['expires_at'], t",
            "headers = dict(t['headers'], Authorization='Bearer ' + t['access_token'])",
            "with urllib.request.urlopen(urllib.request.Request(os.environ['API'], headers=headers), timeout=30) as r:",
            "    print('api', r.status)");

    @Test
    void aPythonChildGetsATokenAndItsHeadersAndUsesThemOnTheProvidersApi() throws Exception {
        machine.cliLogin();
        machine.env.put("API", api.url("/backend-api/models").toString());
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "python3", "-c", PYTHON_CHILD)) {
            assertEquals(0, exec.exitCode(60), exec.all());
            assertEquals("api 200", exec.out().trim(), exec.all());
            assertEquals("", exec.err(), exec.all());
        }
        assertEquals(1, acceptedTokens.size());
    }

    @Test
    void aCurlChildGetsTheBareTokenAndTheHostClosesWithIt() throws Exception {
        machine.cliLogin();
        String script = "url=$MAESTRO_AUTH_URL; t=$(curl -sf -H \"Authorization: Bearer $MAESTRO_AUTH_SECRET\""
                + " \"$url/v1/token/openai?format=text\") || exit 9; echo \"$url\";"
                + " curl -sf -o /dev/null -w '%{http_code}\\n' -H \"Authorization: Bearer $t\""
                + " -H 'ChatGPT-Account-ID: acct-1' \"$API\"";
        machine.env.put("API", api.url("/backend-api/models").toString());
        String url;
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "bash", "-c", script)) {
            assertEquals(0, exec.exitCode(60), exec.all());
            String[] lines = exec.out().trim().split("\n");
            url = lines[0];
            assertEquals("200", lines[1], exec.all());
        }
        URI host = URI.create(url);
        assertEquals("127.0.0.1", host.getHost());
        try (Socket socket = new Socket()) {
            assertThrows(IOException.class, () -> socket.connect(new java.net.InetSocketAddress("127.0.0.1",
                    host.getPort()), 1000), "the host outlived its child");
        }
    }

    @Test
    void thirtyTwoChildrenThreadsAskingWhileTheTokenIsDueCauseExactlyOneRefresh() throws Exception {
        machine.fake.loginLifetime = Duration.ofSeconds(1);
        machine.cliLogin();
        Thread.sleep(1500);
        String script = String.join("\n",
                "import os, urllib.request, concurrent.futures",
                "def token(_):",
                "    request = urllib.request.Request(os.environ['MAESTRO_AUTH_URL'] + '/v1/token/openai?format=text',",
                "        headers={'Authorization': 'Bearer ' + os.environ['MAESTRO_AUTH_SECRET']})",
                "    with urllib.request.urlopen(request, timeout=60) as answer:",
                "        return answer.read().decode()",
                "with concurrent.futures.ThreadPoolExecutor(32) as pool:",
                "    print(len(set(pool.map(token, range(32)))))");
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "python3", "-c", script)) {
            assertEquals(0, exec.exitCode(60), exec.all());
            assertEquals("1", exec.out().trim(), "every thread got the same token: " + exec.all());
        }
        assertEquals(1, machine.fake.refreshGrants.get(), "refresh grants");
        assertEquals(0, machine.fake.reusedRefreshTokens.get());
    }

    /** The secret travels in the child's environment only: no command line, no verbose log, no output. */
    @Test
    void theSecretIsInNoCommandLineAndNoVerboseOutput() throws Exception {
        machine.cliLogin();
        java.nio.file.Path kept = home.resolve("secret-seen-by-child");
        machine.env.put("KEEP", kept.toString());
        String script = "printf %s \"$MAESTRO_AUTH_SECRET\" > \"$KEEP\"; curl -sf -o /dev/null -H \"Authorization:"
                + " Bearer wrong\" \"$MAESTRO_AUTH_URL/v1/token/openai\"; echo ready; sleep 2";
        try (CliProcess exec = CliProcess.start(machine.env, "--verbose", "exec", "openai", "--", "bash", "-c",
                script)) {
            for (int i = 0; i < 600 && !exec.out().contains("ready"); i++) {
                Thread.sleep(50);
            }
            String secret = java.nio.file.Files.readString(kept);
            assertEquals(43, secret.length(), "256 bits, base64url");
            StringBuilder commandLines = new StringBuilder();
            ProcessHandle.of(exec.pid()).ifPresent(process -> {
                commandLines.append(process.info().commandLine().orElse(""));
                process.descendants().forEach(child -> commandLines.append(child.info().commandLine().orElse("")));
            });
            assertTrue(commandLines.length() > 0, "the processes were seen");
            assertFalse(commandLines.toString().contains(secret), "the secret is on a command line");
            assertEquals(0, exec.exitCode(60), exec.all());
            assertFalse(exec.all().contains(secret), "the secret is in the output: " + exec.all());
            assertTrue(exec.err().contains("unauthorized"), "the refusal is in the verbose log: " + exec.err());
        }
    }

    @Test
    void theChildsExitCodeIsExecsAndSigtermReachesTheChild() throws Exception {
        machine.cliLogin();
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "bash", "-c", "exit 7")) {
            assertEquals(7, exec.exitCode(60), exec.all());
        }
        String trapping = "trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.05; done";
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "bash", "-c", trapping)) {
            for (int i = 0; i < 600 && !exec.out().contains("ready"); i++) {
                Thread.sleep(50);
            }
            assertTrue(exec.out().contains("ready"), exec.all());
            exec.terminate();
            assertEquals(42, exec.exitCode(30), exec.all());
            assertTrue(exec.out().contains("got-term"), exec.all());
        }
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "bash", "-c", "kill -9 $$")) {
            assertEquals(128 + 9, exec.exitCode(60), exec.all());
        }
    }

    @Test
    void aProviderNotNamedIsRefusedAndAnUnknownAccountStopsBeforeTheChildRuns() throws Exception {
        machine.cliLogin();
        String script = "curl -s -o /dev/null -w '%{http_code}\\n' -H \"Authorization: Bearer $MAESTRO_AUTH_SECRET\""
                + " \"$MAESTRO_AUTH_URL/v1/token/anthropic\"";
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--", "bash", "-c", script)) {
            assertEquals(0, exec.exitCode(60), exec.all());
            assertEquals("403", exec.out().trim(), exec.all());
        }
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "--account", "nobody", "--", "bash",
                "-c", "echo ran")) {
            assertEquals(3, exec.exitCode(60), exec.all());
            assertFalse(exec.out().contains("ran"), exec.all());
        }
        try (CliProcess exec = CliProcess.start(machine.env, "exec", "openai", "bash")) {
            assertEquals(2, exec.exitCode(60), exec.all());
        }
    }
}

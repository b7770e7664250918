package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.adapter.inbound.host.HostAnswers;
import ai.maestro.auth.adapter.inbound.host.TokenHost;
import ai.maestro.auth.adapter.inbound.host.TokenHosts;
import ai.maestro.auth.domain.ProviderId;
import com.google.inject.Injector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The token host as an embedder starts it from the injector, asked over raw sockets so that every
 * header is the test's: only a child with the secret, its own Host and no Origin gets a token, and
 * only of what it was granted; a client that never finishes its request cannot pin it.
 */
class TokenHostTest extends OnAUsersMachine {

    private record Answer(int status, String body) {
    }

    /** One request with exactly these lines, read to the end (the host closes after a refusal too). */
    private static Answer ask(TokenHost host, String requestLineAndHeaders) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", host.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLineAndHeaders + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int body = text.indexOf("\r\n\r\n");
            return new Answer(status, body < 0 ? "" : text.substring(body + 4));
        }
    }

    private static String get(TokenHost host, String path, String... headers) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.toString();
    }

    @Test
    void onlyTheChildWithTheSecretItsOwnHostAndNoOriginGetsWhatItWasGranted() throws Exception {
        machine.cliLogin();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Injector injector = com.google.inject.Guice.createInjector(new ai.maestro.auth.app.wiring.MaestroAuthModule(
                ai.maestro.auth.app.wiring.MaestroAuthConfig.fromEnvironment(machine.env)),
                binder -> binder.bind(io.micrometer.core.instrument.MeterRegistry.class).toInstance(registry));
        try (TokenHost host = injector.getInstance(TokenHosts.class).start(List.of(
                new HostAnswers.Grant(ProviderId.OPENAI, Optional.empty())))) {
            String secret = host.environment().get(TokenHost.SECRET_VARIABLE);
            String ownHost = "Host: 127.0.0.1:" + host.port();
            String bearer = "Authorization: Bearer " + secret;
            assertTrue(secret.length() >= 43, "256 bits");
            assertEquals("http://127.0.0.1:" + host.port(), host.environment().get(TokenHost.URL_VARIABLE));

            Answer served = ask(host, get(host, "/v1/token/openai", ownHost, bearer));
            assertEquals(200, served.status(), served.body());
            assertTrue(served.body().contains("\"access_token\":\"" + machine.fake.lastAccessToken + "\""),
                    served.body());
            assertTrue(served.body().contains("\"ChatGPT-Account-ID\":\"acct-1\""), served.body());
            assertEquals(machine.fake.lastAccessToken,
                    ask(host, get(host, "/v1/token/openai?format=text", ownHost, bearer)).body());

            Answer noSecret = ask(host, get(host, "/v1/token/openai", ownHost));
            assertEquals(401, noSecret.status());
            assertFalse(noSecret.body().contains(machine.fake.lastAccessToken));
            assertEquals(401, ask(host, get(host, "/v1/token/openai", ownHost, "Authorization: Bearer "
                    + secret.substring(1) + "x")).status());
            assertEquals(403, ask(host, get(host, "/v1/token/openai", "Host: attacker.example:" + host.port(),
                    bearer)).status(), "DNS rebinding: a name that resolves to 127.0.0.1");
            assertEquals(403, ask(host, get(host, "/v1/token/openai", "Host: localhost:" + host.port(), bearer))
                    .status());
            assertEquals(403, ask(host, get(host, "/v1/token/openai", ownHost, bearer,
                    "Origin: http://127.0.0.1:" + host.port())).status(), "a web page");
            assertEquals(405, ask(host, "POST /v1/token/openai HTTP/1.1\r\n" + ownHost + "\r\n" + bearer
                    + "\r\nContent-Length: 0\r\n").status());
            Answer otherProvider = ask(host, get(host, "/v1/token/anthropic", ownHost, bearer));
            assertEquals(403, otherProvider.status());
            assertTrue(otherProvider.body().contains("provider_not_granted"), otherProvider.body());
            assertEquals(403, ask(host, get(host, "/v1/token/openai?account=acct-2", ownHost, bearer)).status());
            assertEquals(200, ask(host, get(host, "/v1/token/openai?account=acct-1", ownHost, bearer)).status());

            // Signed out elsewhere: one JSON line in the CLI's words, and the host keeps serving.
            try (CliProcess logout = CliProcess.start(machine.env, "logout", "openai", "--local-only")) {
                assertEquals(0, logout.exitCode(60), logout.all());
            }
            Thread.sleep(1500);
            Answer none = ask(host, get(host, "/v1/token/openai", ownHost, bearer));
            assertEquals(409, none.status(), none.body());
            assertTrue(none.body().contains("\"exit_code\":3") && none.body().contains("maestro-auth login openai"),
                    none.body());
            assertEquals(1, none.body().trim().lines().count());

            // On the embedder's registry: what was served, and each refusal by its reason.
            assertEquals(3.0, registry.get("maestro.auth.host.requests").tag("outcome", "served").counter().count());
            assertEquals(2.0, registry.get("maestro.auth.host.requests").tag("outcome", "unauthorized").counter()
                    .count());
            assertEquals(1.0, registry.get("maestro.auth.host.requests").tag("outcome", "not_logged_in").counter()
                    .count());
        }
    }

    @Test
    void clientsThatNeverFinishTheirRequestDoNotKeepTheChildWaiting() throws Exception {
        machine.cliLogin();
        try (TokenHost host = machine.injector().getInstance(TokenHosts.class).start(List.of(
                new HostAnswers.Grant(ProviderId.OPENAI, Optional.empty())))) {
            String secret = host.environment().get(TokenHost.SECRET_VARIABLE);
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    Socket socket = new Socket("127.0.0.1", host.port());
                    socket.getOutputStream().write("GET /v1/token/openai HTTP/1.1\r\nHost: 127.0.0".getBytes(
                            StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    slow.add(socket);
                }
                long started = System.nanoTime();
                Answer served = ask(host, get(host, "/v1/token/openai?format=text", "Host: 127.0.0.1:" + host.port(),
                        "Authorization: Bearer " + secret));
                long waitedMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, served.status());
                System.out.println("with 12 stalled clients, a child's request was answered in " + waitedMillis + " ms");
                assertTrue(waitedMillis < 20_000, "answered within the request bound: " + waitedMillis + " ms");
                // The stalled ones are dropped by the host, not kept forever.
                Socket first = slow.get(0);
                first.setSoTimeout(20_000);
                int read;
                try {
                    read = first.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                assertEquals(-1, read, "a stalled client is disconnected");
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }
}

package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A corporate network: the token endpoint is reached only through an HTTP CONNECT proxy that wants a
 * password, and it presents a certificate from a private CA. Real processes, a real TLS server, a
 * small real proxy.
 */
class ProxyAndCaTest extends OnAUsersMachine {
    private HeldCertificate ca;
    private FakeAuthorizationServer tlsFake;
    private ServerSocket proxy;
    private final List<String> connects = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private Path caFile;

    @BeforeEach
    void corporateNetwork() throws Exception {
        ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("Test Corp Root CA").build();
        HeldCertificate server = new HeldCertificate.Builder().commonName("token.test").addSubjectAlternativeName(
                "token.test").addSubjectAlternativeName("localhost").signedBy(ca).build();
        HandshakeCertificates serverTls = new HandshakeCertificates.Builder().heldCertificate(server).build();
        tlsFake = new FakeAuthorizationServer(serverTls.sslSocketFactory());
        caFile = Files.writeString(home.resolve("corp-ca.pem"), ca.certificatePem());

        proxy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket client = proxy.accept();
                    new Thread(() -> tunnel(client)).start();
                }
            } catch (IOException closed) {
                // The test is over.
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();

        machine.env.put("OPENAI_OAUTH_ISSUER", "https://token.test:" + tlsFake.port());
        machine.env.put("OPENAI_OAUTH_AUTHORIZATION_ENDPOINT", "https://localhost:" + tlsFake.port() + "/oauth/authorize");
        machine.env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", "https://token.test:" + tlsFake.port() + "/oauth/token");
        machine.env.put("HTTPS_PROXY", "http://bob:p%40ss%20word@127.0.0.1:" + proxy.getLocalPort());
        machine.env.put("MAESTRO_AUTH_CA_BUNDLE", caFile.toString());
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        tlsFake.close();
    }

    @Test
    void theTokenRequestGoesThroughTheProxyWithItsPasswordAndTrustsThePrivateCa() throws Exception {
        login();

        assertEquals(List.of("CONNECT token.test:" + tlsFake.port() + " HTTP/1.1"), connects);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("bob:p@ss word".getBytes(StandardCharsets.UTF_8)),
                authorizations.get(0));
        try (CliProcess config = CliProcess.start(machine.env, "config")) {
            assertEquals(0, config.exitCode(60), config.all());
            assertTrue(config.out().contains("http://bob:***@127.0.0.1:" + proxy.getLocalPort()), config.out());
            assertTrue(!config.out().contains("p%40ss") && !config.out().contains("p@ss"), config.out());
        }
    }

    @Test
    void noProxyGoesAroundTheProxy() throws Exception {
        login();
        machine.env.put("NO_PROXY", "example.com,.test");
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(5, refresh.exitCode(60), refresh.all());
            assertTrue(refresh.err().contains("token.test could not be resolved"), refresh.err());
        }
        assertEquals(1, connects.size(), "the bypassed call reached the proxy");
    }

    @Test
    void withoutTheCaBundleTheCertificateIsRefusedWithAClearLine() throws Exception {
        login();
        machine.env.remove("MAESTRO_AUTH_CA_BUNDLE");
        try (CliProcess refresh = CliProcess.start(machine.env, "refresh", "openai")) {
            assertEquals(5, refresh.exitCode(60), refresh.all());
            assertEquals(1, refresh.err().lines().count(), refresh.err());
            assertTrue(refresh.err().contains("is not trusted here (a private CA? set MAESTRO_AUTH_CA_BUNDLE"),
                    refresh.err());
        }
    }

    @Test
    void aCaBundleThatIsNotPemIsAConfigurationError() throws Exception {
        machine.env.put("MAESTRO_AUTH_CA_BUNDLE", Files.writeString(home.resolve("not.pem"), "hello").toString());
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(7, status.exitCode(60), status.all());
            assertTrue(status.err().contains("holds no PEM certificate"), status.err());
        }
    }

    /** `login openai` with a pasted callback; the test's browser trusts the CA and talks to the fake directly. */
    private void login() throws Exception {
        HandshakeCertificates browserTls = new HandshakeCertificates.Builder().addTrustedCertificate(
                ca.certificate()).build();
        OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false)
                .sslSocketFactory(browserTls.sslSocketFactory(), browserTls.trustManager()).build();
        try (CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
            try (Response redirect = browser.newCall(new Request.Builder().url(login.authorizationUrl()).build())
                    .execute()) {
                login.type(redirect.header("Location"));
            }
            assertEquals(0, login.exitCode(60), login.all());
        }
    }

    /** A CONNECT proxy that wants Basic credentials and forwards every tunnel to the fake. */
    private void tunnel(Socket client) {
        try (client; Socket upstream = new Socket("127.0.0.1", tlsFake.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            String authorization = null;
            for (String header; (header = in.readLine()) != null && !header.isEmpty(); ) {
                if (header.regionMatches(true, 0, "Proxy-Authorization:", 0, 20)) {
                    authorization = header.substring(20).trim();
                }
            }
            OutputStream out = client.getOutputStream();
            if (authorization == null) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            connects.add(requestLine);
            authorizations.add(authorization);
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread back = new Thread(() -> pipe(upstreamStream(upstream), out));
            back.start();
            pipe(client.getInputStream(), upstream.getOutputStream());
            back.join(5_000);
        } catch (IOException | InterruptedException ignored) {
            // A tunnel ends when either side closes.
        }
    }

    private static InputStream upstreamStream(Socket upstream) {
        try {
            return upstream.getInputStream();
        } catch (IOException e) {
            return InputStream.nullInputStream();
        }
    }

    private static void pipe(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = from.read(buffer)) > 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException closed) {
            // Done.
        }
    }
}

package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The callback port taken by something that is not a login of ours: the second registered port, or a clear no. */
class PortFallbackTest extends OnAUsersMachine {
    private final OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();

    private int port(String variable) {
        return URI.create(machine.env.get(variable)).getPort();
    }

    @Test
    @SuppressWarnings("try") // the sockets only have to be held open
    void aForeignListenerOnTheFirstPortSendsTheLoginToTheSecond() throws Exception {
        int first = port("OPENAI_OAUTH_REDIRECT_URI");
        int second = port("OPENAI_OAUTH_FALLBACK_REDIRECT_URI");
        try (ServerSocket foreign = new ServerSocket(first, 5, InetAddress.getByName("127.0.0.1"));
             CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
            String url = login.authorizationUrl();
            assertTrue(url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A" + second + "%2Fauth%2Fcallback"), url);
            try (Response redirect = browser.newCall(new Request.Builder().url(url).build()).execute()) {
                String location = redirect.header("Location");
                assertTrue(location.startsWith("http://localhost:" + second + "/"), location);
                login.type(location);
            }
            assertEquals(0, login.exitCode(60), login.all());
            assertTrue(login.out().contains("Signed in to OpenAI"), login.out());
        }
    }

    /**
     * Browsers resolve {@code localhost} to ::1 too and may try it first: another program holding the
     * port there would get the redirect, so that is a port in use like 127.0.0.1's. The login moves to
     * the second port, and the browser's redirect reaches it through ::1.
     */
    @Test
    @SuppressWarnings("try")
    void aForeignListenerOnTheFirstPortOfIpv6LoopbackSendsTheLoginToTheSecondWhichAnswersOnIpv6() throws Exception {
        int first = port("OPENAI_OAUTH_REDIRECT_URI");
        int second = port("OPENAI_OAUTH_FALLBACK_REDIRECT_URI");
        try (ServerSocket foreign = new ServerSocket(first, 5, InetAddress.getByName("::1"));
             CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
            String url = login.authorizationUrl();
            assertTrue(url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A" + second + "%2Fauth%2Fcallback"), url);
            String location;
            try (Response redirect = browser.newCall(new Request.Builder().url(url).build()).execute()) {
                location = redirect.header("Location");
            }
            assertTrue(location.startsWith("http://localhost:" + second + "/"), location);
            // As a browser that resolved localhost to ::1.
            String viaIpv6 = location.replace("http://localhost:", "http://[::1]:");
            try (Response page = browser.newCall(new Request.Builder().url(viaIpv6).header("Host", "localhost:"
                    + second).build()).execute()) {
                assertEquals(200, page.code(), page.body().string());
            }
            assertEquals(0, login.exitCode(60), login.all());
            assertTrue(login.out().contains("Signed in to OpenAI"), login.out());
        }
    }

    @Test
    void aWaitingCodexLoginIsAskedToStopWithItsPlainCancelAndTheFirstPortIsUsed() throws Exception {
        int first = port("OPENAI_OAUTH_REDIRECT_URI");
        com.sun.net.httpserver.HttpServer codex = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), first), 5);
        java.util.concurrent.atomic.AtomicInteger cancels = new java.util.concurrent.atomic.AtomicInteger();
        codex.createContext("/cancel", exchange -> {
            cancels.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            new Thread(() -> codex.stop(0)).start();
        });
        codex.start();
        try (CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
            String url = login.authorizationUrl();
            assertEquals(1, cancels.get());
            assertTrue(url.contains("localhost%3A" + first + "%2F"), url);
            try (Response redirect = browser.newCall(new Request.Builder().url(url).build()).execute()) {
                login.type(redirect.header("Location"));
            }
            assertEquals(0, login.exitCode(60), login.all());
        } finally {
            codex.stop(0);
        }
    }

    @Test
    @SuppressWarnings("try")
    void bothPortsTakenIsExit6BeforeAnyAddressAndNamesTheHolder() throws Exception {
        int first = port("OPENAI_OAUTH_REDIRECT_URI");
        int second = port("OPENAI_OAUTH_FALLBACK_REDIRECT_URI");
        try (ServerSocket a = new ServerSocket(first, 5, InetAddress.getByName("127.0.0.1"));
             ServerSocket b = new ServerSocket(second, 5, InetAddress.getByName("127.0.0.1"));
             CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser")) {
            assertEquals(6, login.exitCode(60), login.all());
            assertFalse(login.out().contains("/oauth/authorize"), login.all());
            assertEquals(1, login.err().lines().count(), login.err());
            String holder = "process " + ProcessHandle.current().pid() + " (";
            assertTrue(login.err().contains(first + " (" + holder) && login.err().contains(second + " (" + holder),
                    login.err());
        }
    }
}

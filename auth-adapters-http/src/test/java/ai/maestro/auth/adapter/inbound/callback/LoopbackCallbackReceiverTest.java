package ai.maestro.auth.adapter.inbound.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.time.Instant;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopbackCallbackReceiverTest {
    private static final String STATE = "state-0123456789-0123456789-0123456789-abc";
    private final OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false)
            .retryOnConnectionFailure(false).build();
    private LoopbackCallbackReceiver receiver;

    private static AuthorizationSession session() {
        Instant now = Instant.now();
        return new AuthorizationSession(ProviderId.OPENAI, State.of(STATE),
                PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                URI.create("http://localhost:1455/auth/callback"), now, now.plusSeconds(300));
    }

    /** A receiver whose code is exchanged at once, as the CLI reports it. */
    private LoopbackCallbackReceiver start(Duration timeout) {
        receiver = LoopbackCallbackReceiver.start(session(), Clock.systemUTC(), timeout, 0);
        receiver.result().thenAccept(code -> receiver.signedIn("ada@example.com"));
        return receiver;
    }

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private record Answer(int status, String body) {
    }

    private Answer get(String pathAndQuery) throws IOException {
        return send(new Request.Builder().url("http://127.0.0.1:" + receiver.port() + pathAndQuery).build());
    }

    private Answer send(Request request) throws IOException {
        try (Response response = browser.newCall(request).execute()) {
            return new Answer(response.code(), response.body().string());
        }
    }

    @Test
    void handsOverTheCodeOfAMatchingCallbackAndShowsASuccessPage() throws Exception {
        start(Duration.ofSeconds(30));

        Answer answer = get("/auth/callback?code=the-code&state=" + STATE);

        assertEquals(200, answer.status());
        assertTrue(answer.body().contains("Signed in to OpenAI as ada@example.com"), answer.body());
        assertEquals("the-code", awaitCode(receiver).value().reveal());
    }

    /** The browser's callback request, which waits for the login's outcome, sent from another thread. */
    private java.util.concurrent.CompletableFuture<Answer> callbackInTheBackground() {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return get("/auth/callback?code=the-code&state=" + STATE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void theBrowsersPageWaitsForTheExchangeAndNeverClaimsASuccessThatDidNotHappen() throws Exception {
        receiver = LoopbackCallbackReceiver.start(session(), Clock.systemUTC(), Duration.ofSeconds(30), 0);
        java.util.concurrent.CompletableFuture<Answer> page = callbackInTheBackground();
        assertEquals("the-code", awaitCode(receiver).value().reveal());
        Thread.sleep(300);
        assertFalse(page.isDone(), "the page was answered before the exchange");

        receiver.failed("The provider answered invalid_grant.");

        Answer answer = page.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(502, answer.status());
        assertTrue(answer.body().contains("Sign-in to OpenAI failed") && answer.body().contains("invalid_grant")
                && !answer.body().contains("Signed in"), answer.body());
    }

    @Test
    void aLoginThatEndsWithoutAnOutcomeSendsTheBrowserToTheTerminal() throws Exception {
        receiver = LoopbackCallbackReceiver.start(session(), Clock.systemUTC(), Duration.ofSeconds(30), 0);
        java.util.concurrent.CompletableFuture<Answer> page = callbackInTheBackground();
        awaitCode(receiver);

        receiver.close();

        Answer answer = page.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(answer.body().contains("Return to the terminal") && !answer.body().contains("Signed in"),
                answer.body());
    }

    @Test
    void bindsToLoopbackOnly() throws Exception {
        start(Duration.ofSeconds(30));
        var address = java.net.InetAddress.getLocalHost();
        if (!address.isLoopbackAddress()) {
            Request request = new Request.Builder().url("http://" + address.getHostAddress() + ":" + receiver.port()
                    + "/auth/callback").build();
            assertThrows(IOException.class, () -> send(request));
        }
        assertEquals(404, get("/").status());
        // Both loopbacks (browsers resolve localhost to either), and no other address of this machine.
        Request ipv6 = new Request.Builder().url("http://[::1]:" + receiver.port() + "/").build();
        assertEquals(404, send(ipv6).status());
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var other : java.util.Collections.list(nic.getInetAddresses())) {
                if (other.isLoopbackAddress() || other.isLinkLocalAddress()) {
                    continue;
                }
                try (java.net.Socket socket = new java.net.Socket()) {
                    assertThrows(IOException.class, () -> socket.connect(new java.net.InetSocketAddress(other,
                            receiver.port()), 1000), "listening on " + other);
                }
            }
        }
    }

    @Test
    void turnsAccessDeniedIntoATypedErrorAndEndsTheLogin() throws Exception {
        start(Duration.ofSeconds(30));

        Answer answer = get("/auth/callback?error=access_denied&error_description=%3Cb%3Enope%3C%2Fb%3E&state=" + STATE);

        assertEquals(200, answer.status());
        assertTrue(answer.body().contains("&lt;b&gt;nope&lt;/b&gt;"), "description must be escaped: " + answer.body());
        AuthorizationDeniedException error = assertThrows(AuthorizationDeniedException.class, () -> awaitCode(receiver));
        assertEquals("access_denied", error.error());
    }

    /** Half-sent requests held open must not keep the real browser's callback waiting. */
    @Test
    void slowClientsDoNotBlockTheRealCallback() throws Exception {
        start(Duration.ofSeconds(30));
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", receiver.port());
                socket.getOutputStream().write("GET /auth/callback?code=".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            Thread.sleep(200);

            assertEquals(200, get("/auth/callback?code=real&state=" + STATE).status());
            assertEquals("real", receiver.result().get(5, java.util.concurrent.TimeUnit.SECONDS).value().reveal());
        } finally {
            for (java.net.Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** The code is recorded before the page is written, so a browser that hangs up at once loses nothing. */
    @Test
    void aBrowserThatClosesRightAfterTheCallbackDoesNotLoseTheCode() throws Exception {
        start(Duration.ofSeconds(30));

        try (java.net.Socket browser = new java.net.Socket("127.0.0.1", receiver.port())) {
            browser.setSoLinger(true, 0);
            browser.getOutputStream().write(("GET /auth/callback?code=kept&state=" + STATE + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + receiver.port() + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            browser.getOutputStream().flush();
        }

        assertEquals("kept", receiver.result().get(10, java.util.concurrent.TimeUnit.SECONDS).value().reveal());
    }

    /** A web page can send these with an img tag: without the session's state they must not end the login. */
    @Test
    void aDenialWithoutTheSessionsStateIsRefusedAndTheLoginGoesOn() throws Exception {
        start(Duration.ofSeconds(30));

        assertEquals(400, get("/auth/callback?error=access_denied").status());
        assertEquals(400, get("/auth/callback?error=access_denied&state=").status());
        assertEquals(400, get("/auth/callback?error=access_denied&state=attacker-state-0000000000").status());
        assertFalse(receiver.result().isDone());

        get("/auth/callback?code=real&state=" + STATE);
        assertEquals("real", awaitCode(receiver).value().reveal());
    }

    @Test
    void refusesAWrongOrMissingStateAndKeepsWaitingForTheRealCallback() throws Exception {
        start(Duration.ofSeconds(30));

        assertEquals(400, get("/auth/callback?code=forged&state=attacker-state-0000000000").status());
        assertEquals(400, get("/auth/callback?code=forged").status());
        assertFalse(receiver.result().isDone());

        get("/auth/callback?code=real&state=" + STATE);
        assertEquals("real", awaitCode(receiver).value().reveal());
    }

    @Test
    void aSecondCallbackAfterSuccessGetsNoCode() throws Exception {
        start(Duration.ofSeconds(30));
        get("/auth/callback?code=first&state=" + STATE);

        try {
            Answer replay = get("/auth/callback?code=second&state=" + STATE);
            assertEquals(410, replay.status());
        } catch (IOException closedAlready) {
            // The receiver closes after success; a refused connection is just as good.
        }
        assertEquals("first", awaitCode(receiver).value().reveal());
    }

    @Test
    void answersOnlyGetAndOnlyOnTheRedirectPath() throws Exception {
        start(Duration.ofSeconds(30));

        Request post = new Request.Builder().url("http://127.0.0.1:" + receiver.port() + "/auth/callback?code=c&state="
                + STATE).post(RequestBody.create(new byte[0])).build();
        assertEquals(405, send(post).status());
        assertEquals(404, get("/auth/other?code=c&state=" + STATE).status());
        assertFalse(receiver.result().isDone());
    }

    @Test
    void refusesAHostHeaderThatIsNotLoopback() throws Exception {
        start(Duration.ofSeconds(30));

        Request rebinding = new Request.Builder()
                .url("http://127.0.0.1:" + receiver.port() + "/auth/callback?code=c&state=" + STATE)
                .header("Host", "attacker.example:" + receiver.port()).build();

        assertEquals(403, send(rebinding).status());
        assertFalse(receiver.result().isDone());
    }

    @Test
    void timesOut() {
        start(Duration.ofMillis(200));

        LoginAbortedException error = assertThrows(LoginAbortedException.class, () -> awaitCode(receiver));

        assertEquals(LoginAbortedException.Reason.TIMED_OUT, error.reason());
    }

    @Test
    void cancelWithTheLoginsSecretEndsTheLoginWithAPage() throws Exception {
        start(Duration.ofSeconds(30));

        assertTrue(CancelRequests.cancelRunning(receiver.port(), Optional.of(receiver.cancelSecret())));

        LoginAbortedException error = assertThrows(LoginAbortedException.class, () -> awaitCode(receiver));
        assertEquals(LoginAbortedException.Reason.CANCELLED, error.reason());
    }

    @Test
    void aCancelAWebPageCanSendIsRefusedAndTheLoginGoesOn() throws Exception {
        start(Duration.ofSeconds(30));
        String secret = receiver.cancelSecret().reveal();
        String url = "http://127.0.0.1:" + receiver.port() + "/cancel";

        // An <img src=".../cancel"> on any page; a plain cancel; a wrong secret; the right one with a foreign Origin or Referer.
        List<Request> forged = List.of(
                new Request.Builder().url(url).header("Referer", "https://attacker.example/").build(),
                new Request.Builder().url(url).build(),
                new Request.Builder().url(url).header(LoopbackCallbackReceiver.CANCEL_HEADER, secret + "x").build(),
                new Request.Builder().url(url).header(LoopbackCallbackReceiver.CANCEL_HEADER, secret)
                        .header("Origin", "https://attacker.example").build(),
                new Request.Builder().url(url).header(LoopbackCallbackReceiver.CANCEL_HEADER, secret)
                        .header("Referer", "https://attacker.example/page").build());
        for (Request request : forged) {
            Answer answer = send(request);
            assertEquals(403, answer.status(), request.headers().toString());
            assertTrue(answer.body().contains("--cancel-previous"), answer.body());
        }
        assertFalse(CancelRequests.cancelRunning(receiver.port(), Optional.empty()));

        assertFalse(receiver.result().isDone());
        assertEquals(200, get("/auth/callback?code=the-code&state=" + STATE).status());
        assertEquals("the-code", awaitCode(receiver).value().reveal());
    }

    @Test
    void twoHostHeadersOrAnAbsoluteFormTargetAreRefused() throws Exception {
        start(Duration.ofSeconds(30));
        String callback = "/auth/callback?code=c&state=" + STATE;
        String host = "localhost:" + receiver.port();

        assertEquals(400, rawStatus("GET " + callback + " HTTP/1.1\r\nHost: " + host + "\r\nHost: attacker.example\r\n"
                + "Connection: close\r\n\r\n"));
        assertEquals(400, rawStatus("GET http://attacker.example" + callback + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n"));
        assertEquals(400, rawStatus("GET http://" + host + callback + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n"));

        assertFalse(receiver.result().isDone());
    }

    private int rawStatus(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", receiver.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void theCancelSecretFileIsTheOwnersOnlyAndOnlyItsWriterRemovesIt(@org.junit.jupiter.api.io.TempDir
                                                                       java.nio.file.Path home) throws Exception {
        CancelSecretFile file = CancelSecretFile.forPort(home, 1455);
        ai.maestro.auth.domain.Secret first = ai.maestro.auth.domain.Secret.of("first-secret-value");
        ai.maestro.auth.domain.Secret second = ai.maestro.auth.domain.Secret.of("second-secret-value");

        file.write(first);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file.file())));
        file.write(second);
        file.deleteIfStill(first);

        assertEquals(Optional.of(second), file.read());
        file.deleteIfStill(second);
        assertEquals(Optional.empty(), file.read());
    }

    @Test
    void aBusyPortIsAClearErrorThatNamesThePortAndTheWayOut() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            CallbackPortInUseException error = assertThrows(CallbackPortInUseException.class,
                    () -> LoopbackCallbackReceiver.start(session(), Clock.systemUTC(), Duration.ofSeconds(5),
                            busy.getLocalPort()));
            assertEquals(busy.getLocalPort(), error.port());
            assertTrue(error.getMessage().contains("--cancel-previous"), error.getMessage());
        }
    }

    @Test
    void aPortHeldOnIpv6LoopbackIsAPortInUseToo() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
            CallbackPortInUseException error = assertThrows(CallbackPortInUseException.class,
                    () -> LoopbackCallbackReceiver.start(session(), Clock.systemUTC(), Duration.ofSeconds(5),
                            busy.getLocalPort()));
            assertEquals(busy.getLocalPort(), error.port());
        }
        // Nothing was left listening on 127.0.0.1 by the attempt.
        try (java.net.ServerSocket again = new java.net.ServerSocket()) {
            again.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        }
    }

    @Test
    void aBrowserThatResolvesLocalhostToIpv6LoopbackReachesTheSameLogin() throws Exception {
        start(Duration.ofSeconds(30));
        Answer page = send(new Request.Builder().url("http://[::1]:" + receiver.port() + "/auth/callback?code=c-6&state="
                + STATE).header("Host", "localhost:" + receiver.port()).build());
        assertEquals(200, page.status(), page.body());
        assertEquals("c-6", awaitCode(receiver).value().reveal());
    }

    @Test
    void anExpiredSessionEndsTheLogin() throws Exception {
        Instant past = Instant.now().minusSeconds(600);
        AuthorizationSession expired = new AuthorizationSession(ProviderId.OPENAI, State.of(STATE),
                PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                URI.create("http://localhost:1455/auth/callback"), past, past.plusSeconds(300));
        receiver = LoopbackCallbackReceiver.start(expired, Clock.systemUTC(), Duration.ofSeconds(30), 0);

        assertEquals(400, get("/auth/callback?code=c&state=" + STATE).status());
        assertThrows(ai.maestro.auth.domain.error.InvalidCallbackException.class, () -> awaitCode(receiver));
    }

    /** Blocks until the callback, a cancel, a denial or the timeout: the typed failure, as a login sees it. */
    private static ai.maestro.auth.domain.AuthorizationCode awaitCode(LoopbackCallbackReceiver receiver)
            throws InterruptedException {
        try {
            return receiver.result().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ai.maestro.auth.domain.error.AuthException auth) {
                throw auth;
            }
            if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw new ai.maestro.auth.domain.error.LoginAbortedException(
                        ai.maestro.auth.domain.error.LoginAbortedException.Reason.TIMED_OUT);
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}

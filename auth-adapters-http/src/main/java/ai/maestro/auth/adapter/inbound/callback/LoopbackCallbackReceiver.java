package ai.maestro.auth.adapter.inbound.callback;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackParser;
import ai.maestro.auth.domain.login.CallbackResult;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.config.ProviderConfigValidator;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the browser's redirect on 127.0.0.1 (RFC 8252 §7.3): one successful callback for one
 * session, then it closes. Also closes on {@code GET /cancel} and on timeout.
 */
public final class LoopbackCallbackReceiver implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackCallbackReceiver.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuthorizationSession session;
    private final Clock clock;
    /** Connections served at once. */
    static final int CONNECTIONS = 6;
    /** The header that authenticates {@code GET /cancel}. */
    public static final String CANCEL_HEADER = "X-Maestro-Auth-Cancel";
    /** How long one request may take to arrive (the JDK server's per-request deadline). */
    static final int REQUEST_SECONDS = 10;

    static {
        // Read once, when the JDK's server configuration is first loaded; keep an explicit choice.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS));
        }
    }

    private final String callbackPath;
    private final String providerName;
    private final HttpServer server;
    /** The same listener on [::1], where a browser that resolves {@code localhost} to it goes first; absent without IPv6. */
    private final Optional<HttpServer> server6;
    /** Handlers writing a page now. */
    private final java.util.concurrent.atomic.AtomicInteger answering = new java.util.concurrent.atomic.AtomicInteger();
    private final ExecutorService executor;
    private final CompletableFuture<AuthorizationCode> result = new CompletableFuture<>();
    private final Secret cancelSecret = newCancelSecret();
    /** What the browser is told once the code has been exchanged (or not): the page waits for it. */
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    /** How long the browser's page waits for the exchange before it says to look at the terminal. */
    static final Duration OUTCOME_WAIT = Duration.ofSeconds(30);

    /** The end of the login, as the browser's page tells it. */
    private record Outcome(boolean signedIn, String detail) {
    }

    private LoopbackCallbackReceiver(AuthorizationSession session, Clock clock, HttpServer server,
                                     Optional<HttpServer> server6, ExecutorService executor) {
        this.session = session;
        this.clock = clock;
        this.server = server;
        this.server6 = server6;
        this.executor = executor;
        this.callbackPath = session.redirectUri().getPath() == null || session.redirectUri().getPath().isEmpty()
                ? "/" : session.redirectUri().getPath();
        this.providerName = session.provider().displayName();
    }

    /** Listens on the redirect URI's port. */
    public static LoopbackCallbackReceiver start(AuthorizationSession session, Clock clock, Duration timeout) {
        return start(session, clock, timeout, session.redirectUri().getPort());
    }

    /** Listens on {@code port} (0 picks a free one, for tests). */
    public static LoopbackCallbackReceiver start(AuthorizationSession session, Clock clock, Duration timeout, int port) {
        HttpServer server;
        try {
            // 127.0.0.1 exactly (RFC 8252 §7.3), whatever the JVM's address preference.
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port),
                    8);
        } catch (IOException e) {
            throw new CallbackPortInUseException(port, e);
        }
        Optional<HttpServer> server6;
        try {
            server6 = listenOnIpv6Loopback(server.getAddress().getPort());
        } catch (CallbackPortInUseException e) {
            server.stop(0);
            throw e;
        }
        // A few connections at once, so that a client holding a half-sent request (slowloris) cannot
        // keep the real browser waiting; the JDK server drops a request not read within REQUEST_SECONDS.
        ExecutorService executor = Executors.newFixedThreadPool(CONNECTIONS, runnable -> {
            Thread thread = new Thread(runnable, "maestro-auth-callback");
            thread.setDaemon(true);
            return thread;
        });
        LoopbackCallbackReceiver receiver = new LoopbackCallbackReceiver(session, clock, server, server6, executor);
        for (HttpServer listener : receiver.listeners()) {
            listener.createContext("/", receiver::handle);
            listener.setExecutor(executor);
            listener.start();
        }
        receiver.result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        // After a code the server stays up until close(): its page waits for the exchange's outcome.
        receiver.result.whenComplete((code, error) -> {
            if (error != null) {
                receiver.stopSoon();
            }
        });
        return receiver;
    }

    /**
     * The registered redirect names {@code localhost}, which browsers resolve to ::1 as well as
     * 127.0.0.1 and may try first (RFC 8252 §8.3): the same port there too, so that the redirect is
     * ours whichever they pick. Another process holding that port on ::1 would receive it instead:
     * that is a port in use. A machine without IPv6 has no ::1 to be reached on.
     */
    private static Optional<HttpServer> listenOnIpv6Loopback(int port) {
        InetAddress ipv6Loopback;
        try {
            ipv6Loopback = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (java.net.UnknownHostException impossible) {
            return Optional.empty();
        }
        try {
            return Optional.of(HttpServer.create(new InetSocketAddress(ipv6Loopback, port), 8));
        } catch (java.net.BindException e) {
            if (String.valueOf(e.getMessage()).contains("in use")) {
                throw new CallbackPortInUseException(port, e);
            }
            LOG.debug("No IPv6 loopback to listen on ({}); 127.0.0.1 only", e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            LOG.debug("No IPv6 loopback to listen on ({}); 127.0.0.1 only", e.getMessage());
            return Optional.empty();
        }
    }

    private List<HttpServer> listeners() {
        return server6.map(six -> List.of(server, six)).orElse(List.of(server));
    }

    public AuthorizationSession session() {
        return session;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * What {@code GET /cancel} must carry in {@value #CANCEL_HEADER} to end this login. A header, because a
     * web page cannot add one to a cross-site request without a CORS preflight, which this server refuses.
     */
    public Secret cancelSecret() {
        return cancelSecret;
    }

    /** Completes with the code, or exceptionally with an {@link AuthException}. */
    public CompletableFuture<AuthorizationCode> result() {
        return result;
    }

    /** Blocks until the callback, a cancel, a denial or the timeout. */
    public AuthorizationCode await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthException auth) {
                throw auth;
            }
            if (cause instanceof java.util.concurrent.TimeoutException) {
                throw new LoginAbortedException(LoginAbortedException.Reason.TIMED_OUT);
            }
            throw new IllegalStateException("unexpected callback failure", cause);
        }
    }

    /**
     * The code was exchanged and the tokens stored: the browser's page, held until now, says so
     * ({@code who}, e.g. an email, may be empty). The page never claims a success before this.
     */
    public void signedIn(String who) {
        outcome.complete(new Outcome(true, who == null ? "" : who));
    }

    /** The exchange (or storing the tokens) failed: the browser's page says so, with {@code why}. */
    public void failed(String why) {
        outcome.complete(new Outcome(false, why == null ? "" : why));
    }

    public void cancel() {
        result.completeExceptionally(new LoginAbortedException(LoginAbortedException.Reason.CANCELLED));
    }

    @Override
    public void close() {
        cancel();
        // A page still waiting for the outcome must not claim one: without a report it says to look at the terminal.
        outcome.complete(null);
        stopListening();
        executor.shutdownNow();
    }

    /**
     * Up to a second for a handler still writing its page (the outcome is recorded before the page),
     * then both listeners at once. Not {@code HttpServer.stop(1)}: on JDK 17 that waits the whole
     * second even when no exchange is open, and the login would end a second after the page said so.
     */
    private void stopListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (answering.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server6.ifPresent(six -> six.stop(0));
        server.stop(0);
    }


    private void stopSoon() {
        // Stop from another thread: the handler that completed the result is still answering the browser.
        Thread stopper = new Thread(() -> {
            stopListening();
            executor.shutdown();
        }, "maestro-auth-callback-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        answering.incrementAndGet();
        try (exchange) {
            answer(exchange);
        } finally {
            answering.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        List<String> hosts = exchange.getRequestHeaders().get("Host");
        if (hosts == null || hosts.size() != 1 || exchange.getRequestURI().getRawAuthority() != null
                || exchange.getRequestURI().getScheme() != null) {
            // One Host header and an origin-form target (RFC 9112 §3.2, §3.2.1): anything else is
            // a request no browser following our redirect sends.
            respond(exchange, 400, CallbackPages.failure("Bad request", "This request is not one a browser sends."));
        } else if (!isLoopbackHost(hosts.get(0))) {
            // DNS rebinding: a page on another origin must not reach us through a name resolving to 127.0.0.1.
            respond(exchange, 403, CallbackPages.failure("Forbidden", "This address only answers to localhost."));
        } else if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            respond(exchange, 405, CallbackPages.failure("Method not allowed", "Only GET is served here."));
        } else if ("/cancel".equals(path)) {
            cancel(exchange);
        } else if (!callbackPath.equals(path)) {
            respond(exchange, 404, CallbackPages.failure("Not found", "Nothing is served at this address."));
        } else if (result.isDone()) {
            respond(exchange, 410, CallbackPages.failure("Login already finished",
                    "This login has already completed or ended. Return to the terminal."));
        } else {
            callback(exchange);
        }
    }

    private void cancel(HttpExchange exchange) throws IOException {
        var headers = exchange.getRequestHeaders();
        // Only the CLI knows the secret, and it sends neither Origin nor Referer; a web page can send
        // GET /cancel (an <img> tag) but not the header.
        if (headers.containsKey("Origin") || headers.containsKey("Referer")
                || !cancelSecret.matches(headers.getFirst(CANCEL_HEADER))) {
            LOG.warn("Refused a cancel request that did not come from maestro-auth");
            respond(exchange, 403, CallbackPages.failure("The login was not cancelled",
                    "Only maestro-auth can cancel it: press Ctrl-C in its terminal, or run the same login again "
                            + "with --cancel-previous."));
            return;
        }
        cancel();
        respond(exchange, 200, CallbackPages.failure("Login cancelled",
                "The waiting maestro-auth login was cancelled. Start a new one when you are ready."));
    }

    private void callback(HttpExchange exchange) throws IOException {
        CallbackResult parsed = CallbackParser.fromQuery(exchange.getRequestURI().getRawQuery(), session,
                clock.instant());
        // The outcome is recorded before the page is written: a browser that closes right after
        // sending the callback must not lose the code.
        if (parsed instanceof CallbackResult.Authorized authorized) {
            result.complete(authorized.code());
            respondWithOutcome(exchange);
            return;
        }
        AuthException error = ((CallbackResult.Rejected) parsed).error();
        if (error instanceof AuthorizationDeniedException denied) {
            result.completeExceptionally(denied);
            respond(exchange, 200, CallbackPages.failure("Sign-in was not completed",
                    "The provider answered " + denied.error() + denied.description().map(d -> ": " + d).orElse("")
                            + ". Return to the terminal and run login again."));
        } else if (error instanceof InvalidCallbackException invalid
                && invalid.reason() == InvalidCallbackException.Reason.SESSION_EXPIRED) {
            result.completeExceptionally(invalid);
            respond(exchange, 400, CallbackPages.failure("Login expired", "Run login again in the terminal."));
        } else {
            // A wrong or missing state may be a forged request: refuse it, keep waiting for the real one.
            LOG.warn("Refused a callback: {}", error.getMessage());
            respond(exchange, 400, CallbackPages.failure("This sign-in link is not valid", error.getMessage()));
        }
    }

    /** Holds the browser until the login's end is known (bounded), then tells it as it is. */
    private void respondWithOutcome(HttpExchange exchange) throws IOException {
        Outcome end;
        try {
            end = outcome.get(OUTCOME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = null;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            end = null;
        }
        if (end == null) {
            respond(exchange, 200, CallbackPages.failure("Return to the terminal",
                    "The code reached maestro-auth; the terminal shows whether signing in to " + providerName
                            + " finished."));
        } else if (end.signedIn()) {
            respond(exchange, 200, CallbackPages.success(providerName, end.detail()));
        } else {
            respond(exchange, 502, CallbackPages.failure("Sign-in to " + providerName + " failed",
                    end.detail() + (end.detail().endsWith(".") || end.detail().isEmpty() ? "" : ".")
                            + " Nothing was stored. Return to the terminal."));
        }
    }

    private boolean isLoopbackHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.trim();
        int colon = host.lastIndexOf(':');
        if (colon > 0 && colon > host.lastIndexOf(']')) {
            String portText = host.substring(colon + 1);
            if (!portText.equals(String.valueOf(port()))) {
                return false;
            }
            host = host.substring(0, colon);
        }
        return ProviderConfigValidator.isLoopbackHost(host);
    }

    private static void respond(HttpExchange exchange, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/html; charset=utf-8");
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        // The callback URL carries the code: never let it leave in a Referer.
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    private static Secret newCancelSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Asks a receiver left over from an earlier login to stop ({@code GET /cancel}). With the earlier
     * login's secret, a maestro-auth receiver stops; without it, only a receiver that accepts a plain
     * cancel (the Codex CLI's) does.
     */
    public static boolean cancelRunning(int port, Optional<Secret> secret) {
        try {
            var connection = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + port + "/cancel").toURL()
                    .openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            secret.ifPresent(value -> connection.setRequestProperty(CANCEL_HEADER, value.reveal()));
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }
}

package ai.maestro.auth.adapter.inbound.callback;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

    private final HttpServer server;
    /** The same listener on [::1], where a browser that resolves {@code localhost} to it goes first; absent without IPv6. */
    private final Optional<HttpServer> server6;
    /** Handlers writing a page now. */
    private final java.util.concurrent.atomic.AtomicInteger answering = new java.util.concurrent.atomic.AtomicInteger();
    private final ExecutorService executor;
    private final CompletableFuture<AuthorizationCode> result = new CompletableFuture<>();
    private final Secret cancelSecret = newCancelSecret();
    private final CallbackExchanges pages;
    /** What the browser is told once the code has been exchanged (or not): the page waits for it. */
    private final CompletableFuture<CallbackExchanges.Outcome> outcome = new CompletableFuture<>();


    private LoopbackCallbackReceiver(AuthorizationSession session, Clock clock, HttpServer server,
                                     Optional<HttpServer> server6, ExecutorService executor) {
        this.session = session;
        this.clock = clock;
        this.server = server;
        this.server6 = server6;
        this.executor = executor;
        this.pages = new CallbackExchanges(session, clock, result, outcome, cancelSecret, this::port, this::cancel);
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
        // keep the real browser waiting; the JDK server drops a request not read within its bound (JdkHttpServerBounds).
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

    /**
     * The code was exchanged and the tokens stored: the browser's page, held until now, says so
     * ({@code who}, e.g. an email, may be empty). The page never claims a success before this.
     */
    public void signedIn(String who) {
        outcome.complete(new CallbackExchanges.Outcome(true, who == null ? "" : who));
    }

    /** The exchange (or storing the tokens) failed: the browser's page says so, with {@code why}. */
    public void failed(String why) {
        outcome.complete(new CallbackExchanges.Outcome(false, why == null ? "" : why));
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
            pages.answer(exchange);
        } finally {
            answering.decrementAndGet();
        }
    }

    private static Secret newCancelSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
}

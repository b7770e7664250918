package ai.maestro.auth.adapter.inbound.host;

import ai.maestro.auth.adapter.inbound.JdkHttpServerBounds;
import ai.maestro.auth.application.port.inbound.ServeTokensUseCase;
import ai.maestro.auth.application.port.outbound.HostEvents;
import ai.maestro.auth.domain.Secret;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A token host for child processes: {@code GET /v1/token/<provider>} on 127.0.0.1, for whoever holds
 * its secret (256 random bits, new for each host, handed to children in their environment only),
 * answers a valid access token of the accounts it was granted and nothing else. What can reach a
 * loopback port besides the children is refused: no secret or a wrong one (401, compared in
 * constant time), a {@code Host} other than its own address and port (DNS rebinding), any
 * {@code Origin} (a web page), any method but GET. A request must arrive whole within
 * {@value #REQUEST_SECONDS} s and at most {@value #THREADS} are served at once, so slow clients
 * cannot pin it.
 */
public final class TokenHost implements ServeTokensUseCase.TokenServer {
    /** The variables a child is given: its address and its secret. */
    /** Half of 32 clients at once: more threads only contend for 2 cores; a stalled client holds one for at most the request bound. */
    static final int THREADS = 16;
    static final int REQUEST_SECONDS = JdkHttpServerBounds.REQUEST_SECONDS;
    private static final String PREFIX = "/v1/token/";
    /** What may follow the prefix: a provider's name as the command line spells it. */
    private static final java.util.regex.Pattern PROVIDER_NAME = java.util.regex.Pattern.compile("[a-z]{1,20}");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Secret secret;
    private final byte[] expectedAuthorization;
    private final String ownHost;
    private final HostAnswers answers;
    private final HostEvents events;

    private TokenHost(HttpServer server, ExecutorService executor, Secret secret, HostAnswers answers,
                      HostEvents events) {
        this.server = server;
        this.executor = executor;
        this.secret = secret;
        this.expectedAuthorization = ("Bearer " + secret.reveal()).getBytes(StandardCharsets.US_ASCII);
        this.ownHost = "127.0.0.1:" + server.getAddress().getPort();
        this.answers = answers;
        this.events = events;
    }

    /** Starts a host on a free port of 127.0.0.1 that answers what {@code answers} grants. */
    public static TokenHost start(HostAnswers answers, HostEvents events) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                0), 64);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "maestro-auth-token-host");
            thread.setDaemon(true);
            return thread;
        });
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        TokenHost host = new TokenHost(server, executor,
                Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(random)), answers, events);
        server.createContext("/", host::handle);
        server.setExecutor(executor);
        server.start();
        events.hostStarted(host.port());
        return host;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + ownHost;
    }

    /** The two variables a child needs, to be put in its environment (never on a command line). */
    @Override
    public Map<String, String> environment() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(URL_VARIABLE, url());
        variables.put(SECRET_VARIABLE, secret.reveal());
        return variables;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.hostStopped(port());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String provider = providerOf(exchange.getRequestURI().getRawPath());
            Optional<Refusal> refusal = refusal(exchange);
            if (refusal.isPresent()) {
                events.hostRequest(provider == null ? "none" : provider, refusal.get().reason());
                send(exchange, refusal.get().status(), "application/json",
                        HostAnswers.error(refusal.get().reason(), refusal.get().description(), 0));
                return;
            }
            HostAnswers.Answer answer = answers.answer(provider, query(exchange, "account"),
                    "text".equals(query(exchange, "format").orElse("json")));
            events.hostRequest(provider, answer.outcome());
            send(exchange, answer.status(), answer.contentType(), answer.body());
        }
    }

    /** Why a request is not one of this host's children's, in the order that tells a stranger the least. */
    private Optional<Refusal> refusal(HttpExchange exchange) {
        var headers = exchange.getRequestHeaders();
        List<String> hosts = headers.get("Host");
        if (hosts == null || hosts.size() != 1 || !ownHost.equals(hosts.get(0).trim())) {
            return Optional.of(new Refusal(403, "wrong_host", "This host answers only to " + ownHost + "."));
        }
        if (headers.containsKey("Origin")) {
            return Optional.of(new Refusal(403, "origin", "Requests from web pages are refused."));
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            return Optional.of(new Refusal(405, "method", "Only GET is served."));
        }
        List<String> authorization = headers.get("Authorization");
        byte[] presented = authorization == null || authorization.size() != 1 ? new byte[0]
                : authorization.get(0).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expectedAuthorization, presented)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            return Optional.of(new Refusal(401, "unauthorized", "Send Authorization: Bearer $" + SECRET_VARIABLE
                    + "."));
        }
        if (providerOf(exchange.getRequestURI().getRawPath()) == null) {
            return Optional.of(new Refusal(404, "not_found", "Ask GET " + PREFIX + "<provider>."));
        }
        return Optional.empty();
    }

    private record Refusal(int status, String reason, String description) {
    }

    /** The provider's CLI name from {@code /v1/token/<name>}; null for any other path. */
    private static String providerOf(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        String name = path.substring(PREFIX.length());
        return PROVIDER_NAME.matcher(name).matches() ? name : null;
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                return Optional.of(java.net.URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1),
                        StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String toString() {
        return "TokenHost[" + url() + "]";
    }
}

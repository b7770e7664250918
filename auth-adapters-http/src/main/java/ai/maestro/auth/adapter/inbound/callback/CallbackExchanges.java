package ai.maestro.auth.adapter.inbound.callback;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.config.ProviderConfigValidator;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackParser;
import ai.maestro.auth.domain.login.CallbackResult;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the loopback listener answers: the one callback whose state matches (recorded before its
 * page is written), a denial, a cancel that carries the login's secret; and refusals for anything
 * a browser following our redirect would not send (another Host, method, path or origin).
 */
final class CallbackExchanges {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackCallbackReceiver.class);

    /** The end of the login, as the browser's page tells it. */
    record Outcome(boolean signedIn, String detail) {
    }

    /** How long the browser's page waits for the exchange before it says to look at the terminal. */
    static final java.time.Duration OUTCOME_WAIT = java.time.Duration.ofSeconds(30);

    private final AuthorizationSession session;
    private final Clock clock;
    private final CompletableFuture<AuthorizationCode> result;
    private final CompletableFuture<Outcome> outcome;
    private final Secret cancelSecret;
    private final IntSupplier port;
    private final Runnable cancel;
    private final String callbackPath;
    private final String providerName;

    CallbackExchanges(AuthorizationSession session, Clock clock, CompletableFuture<AuthorizationCode> result,
                      CompletableFuture<Outcome> outcome, Secret cancelSecret, IntSupplier port, Runnable cancel) {
        this.session = session;
        this.clock = clock;
        this.result = result;
        this.outcome = outcome;
        this.cancelSecret = cancelSecret;
        this.port = port;
        this.cancel = cancel;
        String path = session.redirectUri().getPath();
        this.callbackPath = path == null || path.isEmpty() ? "/" : path;
        this.providerName = session.provider().displayName();
    }

    void answer(HttpExchange exchange) throws IOException {
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
                || !cancelSecret.matches(headers.getFirst(LoopbackCallbackReceiver.CANCEL_HEADER))) {
            LOG.warn("Refused a cancel request that did not come from maestro-auth");
            respond(exchange, 403, CallbackPages.failure("The login was not cancelled",
                    "Only maestro-auth can cancel it: press Ctrl-C in its terminal, or run the same login again "
                            + "with --cancel-previous."));
            return;
        }
        cancel.run();
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
            if (!portText.equals(String.valueOf(port.getAsInt()))) {
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
}

package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import com.google.inject.Guice;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.function.Supplier;

/** The throw-away store of the launcher's start-up training: one OpenAI sign-in, as a user's would be. */
public final class TrainingStore {
    private TrainingStore() {
    }

    /** Stores {@code token} as the account {@code training} of OpenAI in the store {@code config} names. */
    public static void seed(MaestroAuthConfig config, OAuthToken token) {
        CredentialStore store = Guice.createInjector(new MaestroAuthModule(config))
                .getInstance(CredentialStore.class);
        store.register(ProviderId.OPENAI, "training", "training");
        store.save(SavedAuthentication.fresh(CredentialKey.oauth(ProviderId.OPENAI, "training"), token,
                Instant.now()));
    }

    /**
     * A token endpoint on the loopback interface that answers every grant with a new token set (the
     * body {@code answer} gives), until closed: the training's refreshes reach it and nothing else
     * (the benchmarks' exchanges too; -Dsun.net.httpserver.nodelay=true keeps Nagle out of them).
     */
    public static LoopbackEndpoint tokenEndpoint(Supplier<byte[]> answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.get();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new LoopbackEndpoint(server);
    }

    /** A running {@link #tokenEndpoint}; its address is what OPENAI_OAUTH_TOKEN_ENDPOINT names. */
    public static final class LoopbackEndpoint implements AutoCloseable {
        private final HttpServer server;

        private LoopbackEndpoint(HttpServer server) {
            this.server = server;
        }

        public String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/token";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

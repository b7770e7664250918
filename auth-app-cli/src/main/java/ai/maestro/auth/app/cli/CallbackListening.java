package ai.maestro.auth.app.cli;

import ai.maestro.auth.adapter.in.callback.CancelSecretFile;
import ai.maestro.auth.adapter.in.callback.LoopbackCallbackReceiver;
import ai.maestro.auth.adapter.in.callback.PortHolder;
import ai.maestro.auth.adapter.out.persistence.PersistenceSettings;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A login attempt with its loopback receiver already listening, so that the address shown is one
 * that works: the port rule of a browser login.
 */
record CallbackListening(OAuthService.LoginAttempt attempt, LoopbackCallbackReceiver receiver) {

    /**
     * Binds the redirect's port. When it is taken: an earlier login of ours there is cancelled with
     * its secret (a Codex login with its plain GET /cancel) and the port retried for up to 2 s;
     * otherwise the fallback redirect (OpenAI registers 1457 too) is used; when both are taken, the
     * error names who holds them.
     */
    static CallbackListening listen(CliContext context, OAuthService service, OAuthService.LoginAttempt attempt,
                                    Duration timeout) {
        Clock clock = context.config().clock();
        ProviderId provider = attempt.session().provider();
        int port = attempt.session().redirectUri().getPort();
        try {
            return new CallbackListening(attempt, LoopbackCallbackReceiver.start(attempt.session(), clock, timeout));
        } catch (CallbackPortInUseException busy) {
            if (LoopbackCallbackReceiver.cancelRunning(port, cancelFile(context, port).read())) {
                context.out().println("Cancelled the earlier login waiting on port " + port + ".");
                for (int retry = 0; retry < 20; retry++) {
                    pause(Duration.ofMillis(100));
                    try {
                        return new CallbackListening(attempt,
                                LoopbackCallbackReceiver.start(attempt.session(), clock, timeout));
                    } catch (CallbackPortInUseException stillBusy) {
                        // It is letting go.
                    }
                }
            }
            Optional<URI> fallback = service.configs().get(provider).fallbackRedirectUri()
                    .filter(uri -> uri.getPort() != port);
            if (fallback.isEmpty()) {
                throw portsTaken(List.of(port), busy);
            }
            OAuthService.LoginAttempt moved = service.startLogin(provider, fallback.get());
            try {
                return new CallbackListening(moved, LoopbackCallbackReceiver.start(moved.session(), clock, timeout));
            } catch (CallbackPortInUseException alsoBusy) {
                throw portsTaken(List.of(port, fallback.get().getPort()), alsoBusy);
            }
        }
    }

    /** Where the login on {@code port} keeps its cancel secret (0600, in the data directory). */
    static CancelSecretFile cancelFile(CliContext context, int port) {
        return CancelSecretFile.forPort(context.get(PersistenceSettings.class).dataDirectory(), port);
    }

    private static CallbackPortInUseException portsTaken(List<Integer> ports, CallbackPortInUseException cause) {
        String holders = ports.stream().map(p -> p + " (" + PortHolder.describe(p).orElse(PortHolder.howToFind(p)) + ")")
                .collect(Collectors.joining(" and "));
        return new CallbackPortInUseException(ports.get(0), "taken: " + holders, cause);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        }
    }
}

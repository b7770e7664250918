package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.SignInScreen;
import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.domain.login.Pauses;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a login reaches its code, shared by the CLI and embedders: which flow a provider's
 * configuration allows, and the callback port rule of a browser login.
 */
public final class LoginService {
    /** A login whose listener already holds its port, so the address shown is one that works. */
    public record Listening(OAuthService.LoginAttempt attempt, CallbackListeners.Listener listener,
                            boolean cancelledEarlierLogin) {
    }

    /** How often, and for how long, a port an earlier login let go of is tried again. */
    private static final int RETRIES = 20;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private final OAuthService logins;
    private final CallbackListeners listeners;

    private final Pauses pauses;

    public LoginService(OAuthService logins, CallbackListeners listeners) {
        this(logins, listeners, Pauses.sleeping());
    }

    LoginService(OAuthService logins, CallbackListeners listeners, Pauses pauses) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.listeners = Objects.requireNonNull(listeners, "listeners");
        this.pauses = Objects.requireNonNull(pauses, "pauses");
    }

    /**
     * The flow for {@code provider}: device approval when asked for (and offered), our loopback
     * listener when its redirect comes back to this machine, otherwise a code the user pastes.
     */
    public SignInScreen.Flow flowFor(ProviderId provider, boolean deviceAsked) {
        ProviderConfig config = logins.configs().get(provider);
        if (deviceAsked) {
            return SignInScreen.Flow.DEVICE;
        }
        return config.redirectsToLoopback() ? SignInScreen.Flow.LOOPBACK : SignInScreen.Flow.PASTE;
    }

    /**
     * Starts a browser login with its listener bound. When the redirect's port is taken: an earlier
     * login there is asked to stop and the port retried for up to 2 s; otherwise the provider's
     * second registered redirect (OpenAI registers 1457 too) is used; when both are taken, the error
     * names who holds them.
     */
    public Listening listen(ProviderId provider, Duration timeout) {
        OAuthService.LoginAttempt attempt = logins.startLogin(provider);
        int port = attempt.session().redirectUri().getPort();
        try {
            return new Listening(attempt, listeners.listen(attempt.session(), timeout), false);
        } catch (CallbackPortInUseException busy) {
            if (listeners.cancelWaitingLogin(port)) {
                for (int retry = 0; retry < RETRIES; retry++) {
                    pauses.pauseOrCancel(RETRY_PAUSE);
                    try {
                        return new Listening(attempt, listeners.listen(attempt.session(), timeout), true);
                    } catch (CallbackPortInUseException stillBusy) {
                        // It is letting go.
                    }
                }
            }
            Optional<URI> fallback = logins.configs().get(provider).fallbackRedirectUri()
                    .filter(uri -> uri.getPort() != port);
            if (fallback.isEmpty()) {
                throw portsTaken(List.of(port), busy);
            }
            OAuthService.LoginAttempt moved = logins.startLogin(provider, fallback.get());
            try {
                return new Listening(moved, listeners.listen(moved.session(), timeout), false);
            } catch (CallbackPortInUseException alsoBusy) {
                throw portsTaken(List.of(port, fallback.get().getPort()), alsoBusy);
            }
        }
    }

    private CallbackPortInUseException portsTaken(List<Integer> ports, CallbackPortInUseException cause) {
        String holders = ports.stream().map(p -> p + " (" + listeners.holderOf(p) + ")")
                .collect(Collectors.joining(" and "));
        return new CallbackPortInUseException(ports.get(0), "taken: " + holders, cause);
    }
}

package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.SignInCommand;
import ai.maestro.auth.application.port.inbound.SignInScreen;
import ai.maestro.auth.application.port.inbound.SignInScreen.Flow;
import ai.maestro.auth.application.port.inbound.SignInUseCase;
import ai.maestro.auth.application.port.inbound.SignedIn;
import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.login.Pauses;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The whole sign-in, for the CLI and embedders alike: the flow the provider's configuration allows,
 * the callback port rule ({@link LoginService}), the wait for the browser, a paste or a device's
 * approval, the exchange and the storing ({@link OAuthService}), and the outcome the meters count.
 */
public final class SignInService implements SignInUseCase {
    private final OAuthService logins;
    private final LoginService flows;
    private final AccessTokenService tokens;
    private final AuthEvents events;
    private final Clock clock;

    public SignInService(OAuthService logins, LoginService flows, AccessTokenService tokens, AuthEvents events,
                         Clock clock) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.flows = Objects.requireNonNull(flows, "flows");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public SignedIn signIn(SignInCommand command, SignInScreen screen) {
        ProviderId provider = command.provider();
        // A login whose tokens could not be stored must stop before the code is spent.
        logins.checkStoreBeforeLogin(provider);
        Flow flow = flows.flowFor(provider, command.device());
        long started = System.nanoTime();
        SavedAuthentication saved;
        try {
            saved = switch (flow) {
                case DEVICE -> device(command, screen);
                case LOOPBACK -> loopback(command, screen);
                case PASTE -> paste(command, screen);
            };
        } catch (RuntimeException e) {
            events.loginEnded(provider, tag(flow), outcomeOf(e), Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        events.loginEnded(provider, tag(flow), "success", Duration.ofNanos(System.nanoTime() - started));
        tokens.forget(saved.key());
        var accounts = logins.accounts().list(provider);
        var account = accounts.stream().filter(a -> a.id().equals(saved.key().account())).findFirst().orElseThrow();
        return new SignedIn(account, saved.requireOAuthToken(), accounts);
    }

    /** The browser comes back to our listener, bound before the address is shown (a busy port fails first). */
    private SavedAuthentication loopback(SignInCommand command, SignInScreen screen) {
        LoginService.Listening listening = flows.listen(command.provider(), command.timeout());
        try (CallbackListeners.Listener listener = listening.listener()) {
            if (listening.cancelledEarlierLogin()) {
                screen.cancelledEarlierLogin(listener.session().redirectUri().getPort());
            }
            screen.showAddress(listening.attempt().request().uri(), Flow.LOOPBACK);
            PastedCallback waiting = new PastedCallback(Flow.LOOPBACK, listener.session(), listener.result(),
                    deadline(command), clock, listener::close);
            AuthorizationCode code = waiting.await(screen);
            SavedAuthentication saved;
            try {
                saved = logins.completeLogin(listener.session(), code, command.label());
            } catch (AuthException failed) {
                listener.failed(failed.getMessage());
                throw failed;
            }
            listener.signedIn(saved.requireOAuthToken().idTokenClaims().flatMap(IdTokenClaims::emailIfKnown)
                    .orElse(""));
            return saved;
        }
    }

    /** The provider shows CODE#STATE, which the user pastes: the same wait and patience as a loopback login. */
    private SavedAuthentication paste(SignInCommand command, SignInScreen screen) {
        OAuthService.LoginAttempt attempt = logins.startLogin(command.provider());
        screen.showAddress(attempt.request().uri(), Flow.PASTE);
        CompletableFuture<AuthorizationCode> code = new CompletableFuture<>();
        Instant deadline = deadline(command);
        code.orTimeout(command.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        PastedCallback waiting = new PastedCallback(Flow.PASTE, attempt.session(), code, deadline, clock,
                () -> code.completeExceptionally(new LoginAbortedException(LoginAbortedException.Reason.CANCELLED)));
        return logins.completeLogin(attempt.session(), waiting.await(screen), command.label());
    }

    private SavedAuthentication device(SignInCommand command, SignInScreen screen) {
        DeviceAuthorization device = logins.startDeviceLogin(command.provider());
        screen.showDeviceCode(device.verificationUri(), device.userCode());
        Instant deadline = deadline(command);
        Thread waiter = Thread.currentThread();
        SignInScreen.Shown shown = screen.waitFor(new DeviceWait(deadline, waiter));
        try {
            return logins.completeDeviceLogin(device, deadline, Pauses.sleeping(), command.label());
        } finally {
            shown.close();
        }
    }

    private Instant deadline(SignInCommand command) {
        return clock.instant().plus(command.timeout());
    }

    private static String tag(Flow flow) {
        return flow.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A failed login's outcome tag: what the meters count it as. */
    private static String outcomeOf(RuntimeException e) {
        if (e instanceof AuthorizationDeniedException) {
            return "denied";
        }
        if (e instanceof LoginAbortedException) {
            return "aborted";
        }
        if (e instanceof ProviderUnavailableException) {
            return "unavailable";
        }
        return e instanceof CredentialStoreException ? "store_failure" : "failed";
    }

    /** A device login's wait: nothing to paste; a cancel interrupts the polling thread. */
    private record DeviceWait(Instant deadline, Thread waiter) implements SignInScreen.Waiting {
        @Override
        public Flow flow() {
            return Flow.DEVICE;
        }

        @Override
        public java.util.Optional<AuthException> paste(String line) {
            return java.util.Optional.empty();
        }

        @Override
        public void cancel() {
            waiter.interrupt();
        }
    }
}

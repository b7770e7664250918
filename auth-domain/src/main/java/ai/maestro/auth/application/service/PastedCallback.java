package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.SignInScreen;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackParser;
import ai.maestro.auth.domain.login.CallbackResult;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A browser login's wait for its code: from the listener ({@code result}) or from a line the user
 * pastes (the address the browser ended on, or CODE#STATE), checked against the session's state.
 * A paste that cannot finish the login says why, and the wait goes on.
 */
final class PastedCallback implements SignInScreen.Waiting {
    private final SignInScreen.Flow flow;
    private final AuthorizationSession session;
    private final CompletableFuture<AuthorizationCode> result;
    private final Instant deadline;
    private final Clock clock;
    private final Runnable cancel;

    PastedCallback(SignInScreen.Flow flow, AuthorizationSession session, CompletableFuture<AuthorizationCode> result,
                   Instant deadline, Clock clock, Runnable cancel) {
        this.flow = flow;
        this.session = session;
        this.result = result;
        this.deadline = deadline;
        this.clock = clock;
        this.cancel = cancel;
    }

    @Override
    public SignInScreen.Flow flow() {
        return flow;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Optional<AuthException> paste(String line) {
        if (line.isBlank() || result.isDone()) {
            return Optional.empty();
        }
        CallbackResult pasted = CallbackParser.parseWithState(line.strip(), session, clock.instant());
        if (pasted instanceof CallbackResult.Authorized authorized) {
            result.complete(authorized.code());
            return Optional.empty();
        }
        AuthException error = ((CallbackResult.Rejected) pasted).error();
        if (error instanceof AuthorizationDeniedException denied) {
            result.completeExceptionally(denied);
            return Optional.empty();
        }
        return Optional.of(error);
    }

    @Override
    public void cancel() {
        cancel.run();
    }

    /** Shows the wait on {@code screen} until the code comes (or the failure that ends the login). */
    AuthorizationCode await(SignInScreen screen) {
        SignInScreen.Shown shown = screen.waitFor(this);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthException auth) {
                throw auth;
            }
            if (e.getCause() instanceof TimeoutException) {
                throw new LoginAbortedException(LoginAbortedException.Reason.TIMED_OUT);
            }
            throw new IllegalStateException("unexpected login failure", e.getCause());
        } finally {
            shown.close();
        }
    }
}

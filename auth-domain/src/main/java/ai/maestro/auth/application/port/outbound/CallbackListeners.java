package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Where a browser login's redirect is received: a listener on the redirect URI's loopback port. */
public interface CallbackListeners {

    /**
     * Listens on {@code session}'s redirect port for its callback, at most {@code timeout}. Throws
     * {@link ai.maestro.auth.domain.error.CallbackPortInUseException} when the port is taken.
     */
    Listener listen(AuthorizationSession session, Duration timeout);

    /**
     * Asks a login waiting on {@code port} to stop: an earlier login of this user (with the secret it
     * keeps for that), or another client's that answers a plain cancel. True when one stopped.
     */
    boolean cancelWaitingLogin(int port);

    /** Who holds {@code port} (a process's name and id), or how to find out. */
    String holderOf(int port);

    /** One login's listener: its outcome, what its page says, and its port freed on close. */
    interface Listener extends AutoCloseable {
        AuthorizationSession session();

        /** Completes with the code of a callback whose state matched, or with the typed failure. */
        CompletableFuture<AuthorizationCode> result();

        /** The browser's page says signed in (as {@code who}, when known). */
        void signedIn(String who);

        /** The browser's page says the login failed, and why. */
        void failed(String why);

        @Override
        void close();
    }
}

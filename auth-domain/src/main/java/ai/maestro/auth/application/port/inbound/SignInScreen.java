package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.error.AuthException;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/** What a sign-in shows its user, and where it waits for them: the CLI's terminal, an embedder's UI. */
public interface SignInScreen {
    /** How the code comes back: to our loopback listener, pasted by the user, or by device approval. */
    enum Flow { LOOPBACK, PASTE, DEVICE }

    /** An earlier login of this user was waiting on {@code port}; it was asked to stop. */
    void cancelledEarlierLogin(int port);

    /** The address to open in a browser; with {@link Flow#LOOPBACK} the browser comes back by itself. */
    void showAddress(URI address, Flow flow);

    /** A device login: open {@code verificationUri} on any device and enter {@code userCode}. */
    void showDeviceCode(URI verificationUri, String userCode);

    /**
     * The sign-in waits (until {@link Waiting#deadline()}); the screen shows it and hands each line
     * the user pastes to {@link Waiting#paste(String)}. Closed when the wait ends, however it ends.
     */
    Shown waitFor(Waiting waiting);

    /** A wait on screen; closing takes it down. */
    interface Shown extends AutoCloseable {
        @Override
        void close();
    }

    /** A wait for the user, as a screen sees it. */
    interface Waiting {
        Flow flow();

        Instant deadline();

        /**
         * A pasted line (the address the browser ended on, or CODE#STATE): empty when it finishes the
         * login (or ends it, as a denial does); otherwise why it cannot, and the wait goes on.
         */
        Optional<AuthException> paste(String line);

        /** Ends the wait: nothing is stored (Ctrl-C). */
        void cancel();
    }
}

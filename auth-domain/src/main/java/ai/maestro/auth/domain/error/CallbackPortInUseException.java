package ai.maestro.auth.domain.error;

/** The loopback receiver cannot listen on the redirect URI's port. */
public final class CallbackPortInUseException extends AuthException {
    private final int port;

    public CallbackPortInUseException(int port, Throwable cause) {
        super("Port " + port + " on 127.0.0.1 is already in use, so the login callback cannot be received.",
                "Another login may be running: finish it, or run the same login again with --cancel-previous.", cause);
        this.port = port;
    }

    /** The port (and any other it tried) is taken; {@code holders} says by whom, or how to find out. */
    public CallbackPortInUseException(int port, String holders, Throwable cause) {
        super("The login callback cannot be received: port " + holders + ".",
                "Stop what holds it, or finish that login, then try again.", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}

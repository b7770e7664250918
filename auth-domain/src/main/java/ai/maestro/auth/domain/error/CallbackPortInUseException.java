package ai.maestro.auth.domain.error;

/** The loopback receiver cannot listen on the redirect URI's port. */
public final class CallbackPortInUseException extends AuthException {
    private final int port;

    public CallbackPortInUseException(int port, Throwable cause) {
        super("Port " + port + " on 127.0.0.1 is already in use, so the login callback cannot be received.",
                "Another login may be running: finish it, or run the same login again with --cancel-previous.", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}

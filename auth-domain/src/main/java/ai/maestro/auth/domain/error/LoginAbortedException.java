package ai.maestro.auth.domain.error;

/** The login ended without a callback: the user cancelled it, or it timed out. */
public final class LoginAbortedException extends AuthException {
    /** How the login ended. */
    public enum Reason { CANCELLED, TIMED_OUT }

    private final Reason reason;

    public LoginAbortedException(Reason reason) {
        super(reason == Reason.CANCELLED ? "The login was cancelled." : "The login timed out waiting for the browser.",
                "Run login again when you are ready; nothing was stored.", null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

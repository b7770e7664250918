package ai.maestro.auth.domain.error;

/** The login ended without a callback: the user cancelled it, or it timed out. */
public final class LoginAbortedException extends AuthException {
    /** How the login ended. */
    public enum Reason { CANCELLED, TIMED_OUT }

    private final Reason reason;

    public LoginAbortedException(Reason reason) {
        // Browser, pasted code or device approval: the same words fit every way of finishing a login.
        super(reason == Reason.CANCELLED ? "The login was cancelled."
                        : "The login timed out before it was finished.",
                reason == Reason.CANCELLED ? "Run login again when you are ready; nothing was stored."
                        : "Run login again (--timeout sets how long it waits); nothing was stored.", null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

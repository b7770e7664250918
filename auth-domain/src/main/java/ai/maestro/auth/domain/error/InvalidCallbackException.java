package ai.maestro.auth.domain.error;

/** The callback (redirect URL, query string or pasted code) cannot be used; {@link #reason()} says why. */
public final class InvalidCallbackException extends AuthException {
    /** Why a callback was refused. */
    public enum Reason {
        MALFORMED("The callback could not be read as a redirect URL, query string, code or CODE#STATE.",
                "Paste the whole address the browser was sent to, or the code the provider showed."),
        MISSING_CODE("The callback carries no authorization code.",
                "Paste the whole address the browser was sent to, including ?code=..."),
        MISSING_STATE("The callback carries no state, so it cannot be tied to this login.",
                "Paste the whole address, including &state=..."),
        STATE_MISMATCH("The callback's state does not match this login (a stale tab, another login, or a forged link).",
                "The waiting login goes on: finish it in the browser tab it opened, or paste that tab's address."),
        DUPLICATE_PARAMETER("The callback repeats a parameter (RFC 6749 §3.1 forbids it).",
                "Start login again; do not edit the callback address."),
        SESSION_EXPIRED("This login session has expired.", "Run login again and finish it within the time limit.");

        private final String problem;
        private final String nextStep;

        Reason(String problem, String nextStep) {
            this.problem = problem;
            this.nextStep = nextStep;
        }
    }

    private final Reason reason;

    public InvalidCallbackException(Reason reason) {
        super(reason.problem, reason.nextStep, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

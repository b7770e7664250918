package ai.maestro.auth.domain.error;

/** The token endpoint answered 200 but its body is not a usable token response; nothing is stored. */
public final class InvalidTokenResponseException extends AuthException {
    /** The defect found, one per RFC 6749 §5.1 rule we check. */
    public enum Defect {
        EMPTY("is empty"),
        TOO_LARGE("is larger than 1 MiB"),
        NOT_A_JSON_OBJECT("is not a JSON object"),
        MISSING_ACCESS_TOKEN("has no access_token"),
        BLANK_ACCESS_TOKEN("has a blank or non-string access_token"),
        INVALID_ACCESS_TOKEN("has an access_token with characters a Bearer token cannot have (RFC 6750 b64token)"),
        UNSUPPORTED_TOKEN_TYPE("has a token_type other than Bearer"),
        INVALID_EXPIRES_IN("has an expires_in that is not a positive number of seconds within bounds"),
        INVALID_REFRESH_TOKEN("has a blank or non-string refresh_token, or one with spaces or control characters"),
        INVALID_ID_TOKEN("has an id_token that is not a JWT"),
        INVALID_SCOPE("has a scope that is not a string"),
        DEVICE_PKCE_MISMATCH("to the device login carries a code_verifier that does not match its code_challenge"),
        INVALID_DEVICE_CODE("to the device login request lacks a usable device_auth_id or user code");

        private final String text;

        Defect(String text) {
            this.text = text;
        }
    }

    private final Defect defect;

    public InvalidTokenResponseException(Defect defect) {
        this(defect, "Nothing was stored. Try again; if it persists, check the token endpoint configuration.");
    }

    private InvalidTokenResponseException(Defect defect, String nextStep) {
        super("The token endpoint's response " + defect.text + ".", nextStep, null);
        this.defect = defect;
    }

    /**
     * The same defect in a refresh answer whose new refresh token was kept (the old one is spent
     * either way): nothing is lost, and the next call refreshes again.
     */
    public InvalidTokenResponseException refreshTokenKept() {
        return new InvalidTokenResponseException(defect, "Its new refresh token was kept, so the sign-in goes on;"
                + " the next command refreshes again. If it persists, check the token endpoint configuration.");
    }

    public Defect defect() {
        return defect;
    }
}

package ai.maestro.auth.domain.error;

import java.util.Optional;

/** The authorization server answered the redirect with an error (RFC 6749 §4.1.2.1), e.g. access_denied. */
public final class AuthorizationDeniedException extends AuthException {
    private final String error;
    private final String description;

    public AuthorizationDeniedException(String error, String description) {
        super("The provider refused the authorization: " + error
                        + (description == null ? "" : " (" + description + ")") + ".",
                "access_denied".equals(error)
                        ? "Run login again and approve the request in the browser."
                        : "Run login again; if it keeps failing, check the client id and scopes.",
                null);
        this.error = error;
        this.description = description;
    }

    /** The RFC 6749 §4.1.2.1 error code, e.g. {@code access_denied}. */
    public String error() {
        return error;
    }

    public Optional<String> description() {
        return Optional.ofNullable(description);
    }
}

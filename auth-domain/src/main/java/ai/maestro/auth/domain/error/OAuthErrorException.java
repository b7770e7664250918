package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.OAuthError;

/** The token endpoint answered with an error that is neither transient nor a reason to log in again. */
public final class OAuthErrorException extends AuthException {
    private final OAuthError error;

    public OAuthErrorException(OAuthError error) {
        super("The token endpoint refused the request: " + error.summary() + ".",
                "Check the provider configuration (client id, endpoints, scopes) and try again.", null);
        this.error = error;
    }

    public OAuthError error() {
        return error;
    }
}

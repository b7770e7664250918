package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.ProviderId;

/** Which exception a caller sees for an error a provider's token endpoint answered (RFC 6749 section 5.2). */
public final class TokenEndpointErrors {
    private TokenEndpointErrors() {
    }

    /** A dead grant is a relogin, a transient error an outage, anything else the provider's refusal. */
    public static AuthException toException(OAuthError error, ProviderId provider) {
        if (error.requiresRelogin()) {
            return new ReloginRequiredException(provider, error);
        }
        if (error.isTransient()) {
            return new ProviderUnavailableException(error.summary(), error, null);
        }
        return new OAuthErrorException(error);
    }
}

package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.OAuthError;
import java.util.Optional;

/** The provider could not be reached or answered with a transient failure (network, 5xx, 429). */
public final class ProviderUnavailableException extends AuthException {
    private final OAuthError error;

    public ProviderUnavailableException(String what, OAuthError error, Throwable cause) {
        super("The token endpoint is unavailable: " + what + ".",
                "Try again in a minute; check the network or the provider's status page.", cause);
        this.error = error;
    }

    public Optional<OAuthError> error() {
        return Optional.ofNullable(error);
    }
}

package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.ProviderId;
import java.util.Optional;

/** The grant is dead (invalid_grant, refresh_token_reused, ...): only a new login helps. */
public final class ReloginRequiredException extends AuthException {
    private final ProviderId provider;
    private final OAuthError error;

    public ReloginRequiredException(ProviderId provider, OAuthError error) {
        this(provider, error, error.summary());
    }

    public ReloginRequiredException(ProviderId provider, OAuthError error, String reason) {
        super("The " + provider.cliName() + " sign-in is no longer valid: " + reason + ".",
                "Run: maestro-auth login " + provider.cliName(), null);
        this.provider = provider;
        this.error = error;
    }

    public ProviderId provider() {
        return provider;
    }

    public Optional<OAuthError> error() {
        return Optional.ofNullable(error);
    }
}

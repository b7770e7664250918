package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.ProviderId;

/** Nothing is stored for this provider. */
public final class NotLoggedInException extends AuthException {
    public NotLoggedInException(ProviderId provider, AuthType authType) {
        super("No " + (authType == AuthType.API_KEY ? "API key" : "sign-in") + " is stored for "
                        + provider.cliName() + ".",
                authType == AuthType.API_KEY
                        ? "Run: maestro-auth api-key " + provider.cliName()
                        : "Run: maestro-auth login " + provider.cliName(), null);
    }
}

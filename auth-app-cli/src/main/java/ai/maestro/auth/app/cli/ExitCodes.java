package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.domain.error.ConfigurationException;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;

/** Exit codes scripts can branch on (documented in the README). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int USAGE = 2;
    public static final int NOT_LOGGED_IN = 3;
    public static final int RELOGIN_REQUIRED = 4;
    public static final int PROVIDER_UNAVAILABLE = 5;
    public static final int LOGIN_FAILED = 6;
    public static final int CONFIGURATION = 7;
    public static final int STORE = 8;
    public static final int PROVIDER_REFUSED = 9;

    private ExitCodes() {
    }

    public static int of(AuthException e) {
        if (e instanceof NotLoggedInException) {
            return NOT_LOGGED_IN;
        }
        if (e instanceof ReloginRequiredException) {
            return RELOGIN_REQUIRED;
        }
        if (e instanceof ProviderUnavailableException) {
            return PROVIDER_UNAVAILABLE;
        }
        if (e instanceof AuthorizationDeniedException || e instanceof InvalidCallbackException
                || e instanceof LoginAbortedException || e instanceof CallbackPortInUseException) {
            return LOGIN_FAILED;
        }
        if (e instanceof ConfigurationException) {
            return CONFIGURATION;
        }
        if (e instanceof CredentialStoreException) {
            return STORE;
        }
        if (e instanceof OAuthErrorException || e instanceof InvalidTokenResponseException) {
            return PROVIDER_REFUSED;
        }
        return INTERNAL_ERROR;
    }
}

package ai.maestro.auth.domain.error;


/**
 * The exit codes of the command line (documented in the README), which scripts branch on; the token
 * host for child processes answers failures with the same numbers.
 */
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

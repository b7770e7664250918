package ai.maestro.auth.domain.error;

/**
 * Every failure maestro-auth reports. Each subtype is named for what the user must do, and its
 * message says what happened and the next step. No message ever contains a secret.
 */
public abstract sealed class AuthException extends RuntimeException
        permits ConfigurationException, AuthorizationDeniedException, InvalidCallbackException,
        InvalidTokenResponseException, OAuthErrorException, ReloginRequiredException,
        ProviderUnavailableException, CredentialStoreException, NotLoggedInException,
        LoginAbortedException, CallbackPortInUseException {

    private final String nextStep;

    protected AuthException(String problem, String nextStep, Throwable cause) {
        super(problem + (nextStep.isEmpty() ? "" : " " + nextStep), cause);
        this.nextStep = nextStep;
    }

    /** What the user should do about it, as one sentence. */
    public String nextStep() {
        return nextStep;
    }
}

package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.ProviderId;

/** Nothing is stored for this provider, or not for the account asked for. */
public final class NotLoggedInException extends AuthException {
    /**
     * The account named by {@code selector} (a label, e-mail or account id) is not stored, or names
     * several: the message lists the stored labels.
     */
    public static NotLoggedInException noSuchAccount(ProviderId provider, String selector, boolean ambiguous,
                                                     java.util.List<String> labels) {
        String problem = (ambiguous ? "More than one " : "No ") + provider.cliName() + " account matches '"
                + selector + "'" + (labels.isEmpty() ? "; none is stored." : "; stored: " + String.join(", ", labels)
                + ".");
        return new NotLoggedInException(problem, labels.isEmpty() ? "Run: maestro-auth login " + provider.cliName()
                : "Name one by its label with --account (or MAESTRO_AUTH_ACCOUNT).");
    }

    private NotLoggedInException(String problem, String nextStep) {
        super(problem, nextStep, null);
    }

    public NotLoggedInException(ProviderId provider, AuthType authType) {
        super("No " + (authType == AuthType.API_KEY ? "API key" : "sign-in") + " is stored for "
                        + provider.cliName() + ".",
                nextStep(provider, authType), null);
    }

    private static String nextStep(ProviderId provider, AuthType authType) {
        if (authType != AuthType.API_KEY) {
            return "Run: maestro-auth login " + provider.cliName();
        }
        // Only OpenAI exchanges a sign-in for an API key; elsewhere the sign-in token is what to use.
        return provider == ProviderId.OPENAI
                ? "Run: maestro-auth api-key openai (after maestro-auth login openai)"
                : "maestro-auth cannot obtain " + provider.displayName() + " API keys; use the sign-in token"
                        + " (maestro-auth token " + provider.cliName() + ") or a key from the provider's console.";
    }
}

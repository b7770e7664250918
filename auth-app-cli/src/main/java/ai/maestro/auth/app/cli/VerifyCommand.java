package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.VerifyCredentialUseCase;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Verification;
import ai.maestro.auth.domain.error.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code verify <provider>}: one cheap authenticated request that proves the stored credential works. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Make one cheap authenticated request with the stored credential and say whether it works.",
                "OpenAI sign-in: the ChatGPT usage endpoint; OpenAI API key (--api-key): GET /v1/models;",
                "Anthropic: ANTHROPIC_VERIFY_URL."},
        footer = {"", "Exit codes: 0 accepted, 4 rejected (log in again), 5 unreachable or overloaded,",
                "9 refused for another reason (e.g. 403: not permitted for this credential)."})
final class VerifyCommand extends ProviderSubcommand {
    @Option(names = "--api-key", description = "Verify the stored API key (see `api-key`) instead of the sign-in.")
    boolean apiKey;

    @Override
    public Integer call() {
        CliContext context = context();
        AuthType type = apiKey ? AuthType.API_KEY : AuthType.OAUTH;
        // The use case first: a bad API address is a configuration error whatever is stored.
        VerifyCredentialUseCase verify = context.get(VerifyCredentialUseCase.class);
        VerifyCredentialUseCase.Verified verified = verify.verify(account.choice(context, target.provider), type);
        String what = target.provider.displayName() + (apiKey ? " API key" : " sign-in") + " of "
                + verified.account().label();
        Verification result = verified.answer();
        String answer = "HTTP " + result.status() + " from " + result.url();
        if (result.authenticated()) {
            context.out().println(answer + ": the stored " + what + " authenticates requests.");
            return ExitCodes.OK;
        }
        int status = result.status();
        if (status == 401) {
            context.err().println("maestro-auth: " + answer + ": the stored " + what + " was rejected, even after a"
                    + " refresh. Run: maestro-auth " + (apiKey ? "api-key " : "login ") + target.provider.cliName());
            return ExitCodes.RELOGIN_REQUIRED;
        }
        if (status == 429 || status >= 500) {
            context.err().println("maestro-auth: " + answer + ": the provider is busy or failing, so nothing is"
                    + " proven either way. Try again later.");
            return ExitCodes.PROVIDER_UNAVAILABLE;
        }
        context.err().println("maestro-auth: " + answer + ": the " + what + " was recognised but this request was"
                + " refused" + (status == 403 ? " (not permitted for this credential or plan)" : "")
                + ". Check the provider's terms for this credential; for Anthropic, use an API key.");
        return ExitCodes.PROVIDER_REFUSED;
    }
}

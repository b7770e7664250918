package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.ObtainApiKeyUseCase;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code api-key openai}: token exchange of the id_token for an API key. */
@Command(name = "api-key", mixinStandardHelpOptions = true,
        description = {"Exchange the stored id_token for an API key (OpenAI) and store it encrypted.",
                "Print it with: maestro-auth token openai --api-key"})
final class ApiKeyCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "<provider>", converter = ProviderConverter.class,
            completionCandidates = ProviderConverter.Names.class, description = "openai (only OpenAI exchanges a sign-in for an API key)")
    ProviderId provider;

    @picocli.CommandLine.Mixin
    AccountOption account;

    @Override
    public Integer call() {
        CliContext context = context();
        if (!context.get(ProviderConfigs.class).get(provider).offersApiKeyExchange()) {
            context.err().println("maestro-auth: only OpenAI exchanges a sign-in for an API key; for "
                    + provider.displayName() + " use the sign-in token: maestro-auth token " + provider.cliName());
            return ExitCodes.USAGE;
        }
        context.get(ObtainApiKeyUseCase.class).obtainApiKey(account.choice(context, provider));
        context.out().println("An OpenAI API key is stored (auth type API_KEY). Print it with: "
                + "maestro-auth token openai --api-key");
        return ExitCodes.OK;
    }
}

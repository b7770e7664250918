package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.AccessTokenQuery;
import ai.maestro.auth.application.port.inbound.GetAccessTokenUseCase;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.error.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code token <provider>}: the one command that prints a secret, on purpose, for scripts. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print a valid access token (refreshed first when due), for scripts:",
                "  curl -H \"Authorization: Bearer $(maestro-auth token openai)\" ..."})
final class TokenCommand extends ProviderSubcommand {
    @Option(names = "--api-key", description = "Print the stored API key (see `api-key`) instead.")
    boolean apiKey;

    @Override
    public Integer call() {
        CliContext context = context();
        AuthType type = apiKey ? AuthType.API_KEY : AuthType.OAUTH;
        context.out().println(context.get(GetAccessTokenUseCase.class).accessToken(
                new AccessTokenQuery(account.choice(context, target.provider), type)).reveal());
        return ExitCodes.OK;
    }
}

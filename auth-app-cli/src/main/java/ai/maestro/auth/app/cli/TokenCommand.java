package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.ExitCodes;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
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
        Account chosen = account.resolve(context, target.provider, apiKey ? AuthType.API_KEY : AuthType.OAUTH);
        if (apiKey) {
            ApiKey key = (ApiKey) context.get(OAuthService.class).require(chosen.key(AuthType.API_KEY)).credential();
            context.out().println(key.key().reveal());
        } else {
            context.out().println(context.get(AccessTokenService.class).validAccessToken(chosen.key(AuthType.OAUTH))
                    .reveal());
        }
        return ExitCodes.OK;
    }
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.ProviderId;
import picocli.CommandLine.Command;

/** {@code logout <provider>}: delete what is stored for the target.provider. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Delete the stored credentials (OAuth tokens and API key) of a provider.",
        footer = "Exit code 0 when something was deleted, 3 when nothing was stored.")
final class LogoutCommand extends ProviderSubcommand {
    @Override
    public Integer call() {
        CliContext context = context();
        boolean deleted = context.get(OAuthService.class).logout(target.provider);
        context.get(AccessTokenService.class).forget(target.provider);
        context.out().println(deleted ? "Logged out of " + target.provider.displayName() + "; its stored credentials are deleted."
                : "Nothing was stored for " + target.provider.displayName() + ".");
        return deleted ? ExitCodes.OK : ExitCodes.NOT_LOGGED_IN;
    }
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.RefreshTokenUseCase;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.error.ExitCodes;
import picocli.CommandLine.Command;

/** {@code refresh <provider>}: refresh now, even if the token is still valid. */
@Command(name = "refresh", mixinStandardHelpOptions = true,
        description = "Refresh the access token now (the refresh token rotates and is stored first).")
final class RefreshCommand extends ProviderSubcommand {
    @Override
    public Integer call() {
        CliContext context = context();
        RefreshTokenUseCase.Refreshed refreshed = context.get(RefreshTokenUseCase.class)
                .refresh(account.choice(context, target.provider));
        Account chosen = refreshed.account();
        OAuthToken token = refreshed.token();
        context.out().println("Refreshed the " + target.provider.displayName() + " token of " + chosen.label()
                + token.expiresAt().map(at -> "; it expires " + Display.when(at) + " ("
                + Display.relative(at, context.config().clock().instant()) + ")").orElse("") + ".");
        return ExitCodes.OK;
    }
}

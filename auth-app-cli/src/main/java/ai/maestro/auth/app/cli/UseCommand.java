package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.AccountChoice;
import ai.maestro.auth.application.port.inbound.SwitchDefaultAccountUseCase;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.error.ExitCodes;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code use <provider> LABEL}: which account commands and embedders use when none is named. */
@Command(name = "use", mixinStandardHelpOptions = true,
        description = {"Make a stored account the provider's default: the one every command and every embedder"
                + " following the default uses when no account is named (running embedders notice within 2 s).",
                "Name it by label, e-mail or account id; `maestro-auth status` lists them."},
        footer = "Exit code 0 when the default changed, 3 when no stored account matches.")
final class UseCommand extends Subcommand {
    @Mixin
    ProviderParameter target;

    @Parameters(index = "1", paramLabel = "LABEL", description = "The account's label, e-mail or account id.")
    String account;

    @Override
    public Integer call() {
        CliContext context = context();
        Account chosen = context.get(SwitchDefaultAccountUseCase.class).makeDefault(
                new AccountChoice(target.provider, Optional.of(account)));
        context.out().println("The default " + target.provider.displayName() + " account is now " + chosen.label() + ".");
        return ExitCodes.OK;
    }
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.SignOut;
import ai.maestro.auth.application.port.inbound.SignOutCommand;
import ai.maestro.auth.application.port.inbound.SignOutUseCase;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.Revocation;
import ai.maestro.auth.domain.error.ExitCodes;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logout <provider>}: delete what is stored for the target.provider. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = {"Delete the stored credentials (OAuth tokens and API key) of one account of a provider, after"
                + " asking the provider to revoke its refresh token (RFC 7009; best effort: the local copy goes either"
                + " way). With several accounts stored, name one with --account, or use --all."},
        footer = "Exit code 0 when something was deleted, 3 when nothing was stored.")
final class LogoutCommand extends ProviderSubcommand {
    @Option(names = "--local-only", description = "Delete the local copy without telling the provider.")
    boolean localOnly;

    @Option(names = "--all", description = "Log out of every stored account of the provider.")
    boolean all;

    @Override
    public Integer call() {
        CliContext context = context();
        String name = target.provider.displayName();
        SignOut result = context.get(SignOutUseCase.class).signOut(new SignOutCommand(
                account.choice(context, target.provider), all, !localOnly));
        if (result instanceof SignOut.WhichAccount which) {
            // Which sign-in goes must be said: a default chosen long ago is no answer to a logout.
            context.err().println("maestro-auth: " + which.stored().size() + " " + target.provider.cliName()
                    + " accounts are stored (" + which.stored().stream().map(Account::label)
                    .collect(Collectors.joining(", ")) + "); say which with --account LABEL, or --all."
                    + " Run `maestro-auth logout --help` for more.");
            return ExitCodes.USAGE;
        }
        if (!(result instanceof SignOut.Done done)) {
            context.out().println("Nothing was stored for " + name + ".");
            return ExitCodes.NOT_LOGGED_IN;
        }
        for (SignOut.Left left : done.left()) {
            report(context, name + (done.stored() > 1 ? " (" + left.account().label() + ")" : ""),
                    left.revocation());
        }
        List<SignOut.Left> leaving = done.left();
        context.out().println(!done.deletedAny() ? "Nothing was stored for " + name + "."
                : leaving.size() == 1 ? "Logged out of " + name + " as " + leaving.get(0).account().label()
                + "; its stored credentials are deleted."
                : "Logged out of " + leaving.size() + " " + name + " accounts; their stored credentials are deleted.");
        return done.deletedAny() ? ExitCodes.OK : ExitCodes.NOT_LOGGED_IN;
    }

    private static void report(CliContext context, String name, Revocation revocation) {
        switch (revocation.outcome()) {
            case REVOKED -> context.out().println(name + " revoked the refresh token.");
            case FAILED -> context.err().println("maestro-auth: " + name + " could not be told ("
                    + Terminal.safe(revocation.detail()) + "); the local copy is deleted anyway.");
            case NOT_SUPPORTED -> context.out().println(name + " offers no revocation endpoint: its tokens stay"
                    + " valid there until they expire.");
            case SKIPPED, NOTHING_TO_REVOKE -> {
                // Nothing to say: --local-only asked for it, or there was no refresh token.
            }
        }
    }
}

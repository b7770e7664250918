package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.ExitCodes;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Revocation;
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
        OAuthService service = context.get(OAuthService.class);
        List<Account> accounts = service.accounts().list(target.provider);
        String name = target.provider.displayName();
        if (accounts.isEmpty()) {
            context.out().println("Nothing was stored for " + name + ".");
            return ExitCodes.NOT_LOGGED_IN;
        }
        List<Account> leaving;
        if (all) {
            leaving = accounts;
        } else if (account.selector(context).isEmpty() && accounts.size() > 1) {
            // Which sign-in goes must be said: a default chosen long ago is no answer to a logout.
            context.err().println("maestro-auth: " + accounts.size() + " " + target.provider.cliName()
                    + " accounts are stored (" + accounts.stream().map(Account::label).collect(Collectors.joining(", "))
                    + "); say which with --account LABEL, or --all. Run `maestro-auth logout --help` for more.");
            return ExitCodes.USAGE;
        } else {
            leaving = List.of(account.resolve(context, target.provider));
        }
        boolean deleted = false;
        for (Account each : leaving) {
            OAuthService.Logout logout = service.logout(each, !localOnly);
            context.get(AccessTokenService.class).forget(each.key(AuthType.OAUTH));
            report(context, name + (accounts.size() > 1 ? " (" + each.label() + ")" : ""), logout.revocation());
            deleted |= logout.deleted();
            if (logout.deleted()) {
                context.get(ai.maestro.auth.application.port.outbound.AuthEvents.class).loggedOut(each.key(AuthType.OAUTH));
            }
        }
        context.out().println(!deleted ? "Nothing was stored for " + name + "."
                : leaving.size() == 1 ? "Logged out of " + name + " as " + leaving.get(0).label()
                + "; its stored credentials are deleted."
                : "Logged out of " + leaving.size() + " " + name + " accounts; their stored credentials are deleted.");
        return deleted ? ExitCodes.OK : ExitCodes.NOT_LOGGED_IN;
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

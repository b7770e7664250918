package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.Revocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logout <provider>}: delete what is stored for the target.provider. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = {"Delete the stored credentials (OAuth tokens and API key) of a provider, after asking the"
                + " provider to revoke the refresh token (RFC 7009; best effort: the local copy goes either way)."},
        footer = "Exit code 0 when something was deleted, 3 when nothing was stored.")
final class LogoutCommand extends ProviderSubcommand {
    @Option(names = "--local-only", description = "Delete the local copy without telling the provider.")
    boolean localOnly;

    @Override
    public Integer call() {
        CliContext context = context();
        OAuthService.Logout logout = context.get(OAuthService.class).logout(target.provider, !localOnly);
        context.get(AccessTokenService.class).forget(target.provider);
        String name = target.provider.displayName();
        Revocation revocation = logout.revocation();
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
        context.out().println(logout.deleted() ? "Logged out of " + name + "; its stored credentials are deleted."
                : "Nothing was stored for " + name + ".");
        return logout.deleted() ? ExitCodes.OK : ExitCodes.NOT_LOGGED_IN;
    }
}

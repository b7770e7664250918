package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.SignInCommand;
import ai.maestro.auth.application.port.inbound.SignInUseCase;
import ai.maestro.auth.application.port.inbound.SignedIn;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ExitCodes;
import java.io.PrintWriter;
import java.util.Optional;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code login <provider>}: the browser flow, ending with an encrypted token in the store. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in in a browser (OAuth 2.0 Authorization Code + PKCE) and store the tokens encrypted.",
                "", "OpenAI returns the browser to ${env:OPENAI_OAUTH_REDIRECT_URI:-http://localhost:1455/auth/callback}."
                + " Without a browser here, open the address on another machine and paste the address it ends on.",
                "", "Anthropic shows a CODE#STATE string: paste it."})
final class LoginCommand extends ProviderSubcommand {

    @Option(names = "--no-browser", description = "Print the address instead of opening a browser.")
    boolean noBrowser;

    static final long MAX_TIMEOUT_SECONDS = SignInCommand.MAX_TIMEOUT.toSeconds();

    @Spec
    CommandSpec spec;

    long timeoutSeconds = 300;

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "300",
            description = "How long to wait for the browser, 1 to 86400 (default: ${DEFAULT-VALUE}).")
    void timeout(long seconds) {
        if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
            throw new ParameterException(spec.commandLine(), "--timeout takes 1 to " + MAX_TIMEOUT_SECONDS
                    + " seconds, not " + seconds + ".");
        }
        timeoutSeconds = seconds;
    }

    @Option(names = "--device", description = "Sign in on another device with a code (OpenAI's device login):"
            + " for machines without a browser. Waits 15 minutes unless --timeout says otherwise.")
    boolean device;

    /** How long a device login waits for the user's approval when --timeout is not given. */
    static final long DEVICE_TIMEOUT_SECONDS = 900;

    @Option(names = "--cancel-previous", description = "Cancel an earlier login of yours still waiting on the"
            + " callback port (what login does anyway when the port is taken; kept for scripts).")
    boolean cancelPrevious;

    @Override
    public Integer call() {
        CliContext context = context();
        if (device && !spec.commandLine().getParseResult().hasMatchedOption("--timeout")) {
            timeoutSeconds = DEVICE_TIMEOUT_SECONDS;
        }
        context.allowExtraTime(Duration.ofSeconds(timeoutSeconds));
        if (account.account != null && !Account.isValidLabel(account.account)) {
            context.err().println("maestro-auth: --account " + Terminal.safe(account.account) + " is not a label: use 1"
                    + " to 40 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit."
                    + " Run `maestro-auth login --help` for more.");
            return ExitCodes.USAGE;
        }
        if (device && !context.get(ProviderConfigs.class).get(target.provider).offersDeviceLogin()) {
            context.err().println("maestro-auth: " + target.provider.displayName() + " offers no device login; sign in"
                    + " with the browser: maestro-auth login " + target.provider.cliName() + " --no-browser");
            return ExitCodes.USAGE;
        }
        SignedIn signedIn = context.get(SignInUseCase.class).signIn(new SignInCommand(target.provider,
                Optional.ofNullable(account.account), device, Duration.ofSeconds(timeoutSeconds)),
                new TerminalSignInScreen(context, target.provider, !noBrowser));
        printSignedIn(context, signedIn);
        return ExitCodes.OK;
    }

    private void printSignedIn(CliContext context, SignedIn signedIn) {
        PrintWriter out = context.out();
        OAuthToken token = signedIn.token();
        Account account = signedIn.account();
        String who = token.idTokenClaims().map(LoginCommand::describe).orElse("");
        out.println("Signed in to " + target.provider.displayName() + who + ", account " + account.label()
                + (account.isDefault() ? " (the default)" : "") + ".");
        if (signedIn.accounts().size() > 1) {
            out.println(signedIn.accounts().size() + " " + target.provider.cliName() + " accounts are stored;"
                    + " `maestro-auth status` lists them, `maestro-auth use " + target.provider.cliName()
                    + " LABEL` picks the default.");
        }
        Instant now = context.config().clock().instant();
        out.println(token.expiresAt()
                .map(at -> "The access token expires " + Display.when(at) + " (" + Display.relative(at, now) + ")"
                        + (token.isRefreshable() ? "; it is refreshed automatically." : "; log in again then."))
                .orElse("The provider did not say when the access token expires."));
        out.println("Stored encrypted in " + context.config().describeStore() + ".");
    }

    private static String describe(IdTokenClaims claims) {
        return claims.emailIfKnown().map(email -> " as " + Terminal.safe(email)).orElse("")
                + claims.planTypeIfKnown().map(plan -> " (plan: " + Terminal.safe(plan) + ")").orElse("");
    }
}

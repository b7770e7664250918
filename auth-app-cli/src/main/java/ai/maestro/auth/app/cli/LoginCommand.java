package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.ExitCodes;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.application.service.LoginService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.AuthorizationSession;
import ai.maestro.auth.domain.CallbackParser;
import ai.maestro.auth.domain.CallbackResult;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.AuthException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
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

    /** A day is more than any login needs; the bound also keeps deadline arithmetic from overflowing. */
    static final long MAX_TIMEOUT_SECONDS = 86_400;

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
        OAuthService service = context.get(OAuthService.class);
        if (device && !service.configs().get(target.provider).offersDeviceLogin()) {
            context.err().println("maestro-auth: " + target.provider.displayName() + " offers no device login; sign in"
                    + " with the browser: maestro-auth login " + target.provider.cliName() + " --no-browser");
            return ExitCodes.USAGE;
        }
        LoginService flows = context.get(LoginService.class);
        // A login whose tokens could not be stored must stop before the code is spent.
        service.checkStoreBeforeLogin(target.provider);
        LoginService.Flow flow = flows.flowFor(target.provider, device);
        String flowTag = switch (flow) {
            case DEVICE -> "device";
            case LOOPBACK -> "loopback";
            default -> "paste";
        };
        AuthEvents events = context.get(AuthEvents.class);
        long started = System.nanoTime();
        SavedAuthentication saved;
        try {
            saved = login(context, service, flows, flow);
        } catch (RuntimeException e) {
            events.loginEnded(target.provider, flowTag, outcomeOf(e), Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        events.loginEnded(target.provider, flowTag, "success", Duration.ofNanos(System.nanoTime() - started));
        context.get(AccessTokenService.class).forget(saved.key());
        printSignedIn(context, saved);
        return ExitCodes.OK;
    }

    /** The login itself, by {@code flow}: the stored sign-in, or the failure that ended it. */
    private SavedAuthentication login(CliContext context, OAuthService service, LoginService flows,
                                      LoginService.Flow flow) {
        SavedAuthentication saved;
        switch (flow) {
            case DEVICE -> saved = deviceLogin(context, service);
            case LOOPBACK -> {
                // Bound before the address is shown: a busy port fails before the user signs in for nothing.
                LoginService.Listening listening = flows.listen(target.provider, Duration.ofSeconds(timeoutSeconds));
                try (CallbackListeners.Listener listener = listening.listener()) {
                    if (listening.cancelledEarlierLogin()) {
                        context.out().println("Cancelled the earlier login waiting on port "
                                + listener.session().redirectUri().getPort() + ".");
                    }
                    showAddress(context, listening.attempt().request().uri().toString());
                    AuthorizationCode code = waitForCallback(context, listener);
                    try {
                        saved = service.completeLogin(listener.session(), code, label());
                    } catch (AuthException failed) {
                        listener.failed(failed.getMessage());
                        throw failed;
                    }
                    listener.signedIn(((OAuthToken) saved.credential()).idTokenClaims()
                            .flatMap(IdTokenClaims::emailIfKnown).orElse(""));
                }
            }
            default -> {
                OAuthService.LoginAttempt attempt = service.startLogin(target.provider);
                showAddress(context, attempt.request().uri().toString());
                saved = service.completeLogin(attempt.session(), askForPastedCode(context, attempt.session()), label());
            }
        }
        return saved;
    }

    /** A failed login's outcome tag: what the meters count it as. */
    private static String outcomeOf(RuntimeException e) {
        if (e instanceof ai.maestro.auth.domain.error.AuthorizationDeniedException) {
            return "denied";
        }
        if (e instanceof ai.maestro.auth.domain.error.LoginAbortedException) {
            return "aborted";
        }
        if (e instanceof ai.maestro.auth.domain.error.ProviderUnavailableException) {
            return "unavailable";
        }
        if (e instanceof ai.maestro.auth.domain.error.CredentialStoreException) {
            return "store_failure";
        }
        return "failed";
    }

    /** The code and the address, large enough to read across a room; then one waiting line. */
    private SavedAuthentication deviceLogin(CliContext context, OAuthService service) {
        DeviceAuthorization device = service.startDeviceLogin(target.provider);
        PrintWriter out = context.out();
        out.println("Sign in to " + target.provider.displayName() + " on any device with a browser:");
        out.println();
        out.println("  1. Open   " + device.verificationUri());
        out.println("  2. Enter  " + Terminal.safe(device.userCode()));
        out.println();
        out.flush();
        Clock clock = context.config().clock();
        Instant deadline = clock.instant().plusSeconds(timeoutSeconds);
        LoginScreen screen = new LoginScreen(context, deadline, "approval");
        return whileWaiting(context, screen, () -> { }, () -> {
            screen.startWithoutInput();
            return service.completeDeviceLogin(device, deadline, pause -> Thread.sleep(pause.toMillis()), label());
        });
    }

    /**
     * Runs {@code waiting} with the waiting screen up. Ctrl-C closes the screen, runs {@code onCancel}
     * (freeing the callback port) and says once that nothing was stored.
     */
    private static <T> T whileWaiting(CliContext context, LoginScreen screen, Runnable onCancel,
                                      java.util.function.Supplier<T> waiting) {
        Thread onInterrupt = new Thread(() -> {
            screen.close();
            onCancel.run();
            context.err().println(System.lineSeparator() + "Login cancelled; nothing was stored.");
            context.err().flush();
        }, "maestro-auth-cancel");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return waiting.get();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running.
            }
            screen.close();
        }
    }

    private void showAddress(CliContext context, String url) {
        PrintWriter out = context.out();
        out.println("Sign in to " + target.provider.displayName() + " in your browser:");
        out.println();
        out.println("  " + url);
        out.println();
        if (!noBrowser) {
            out.println(context.browser().open(url) ? "Your browser has been opened."
                    : "No browser could be opened here: open the address above on any machine.");
        }
        out.flush();
    }

    private AuthorizationCode waitForCallback(CliContext context, CallbackListeners.Listener listener) {
        context.out().println("Browser on another machine? Paste the address it ended on here, then Enter.");
        context.out().flush();
        return waitWithScreen(context, listener.session(), listener.result(), "the browser", listener::close);
    }

    /** Anthropic's page shows CODE#STATE: the same screen, deadline and patience as a loopback login. */
    private AuthorizationCode askForPastedCode(CliContext context, AuthorizationSession session) {
        context.out().println("After you approve, " + target.provider.displayName()
                + " shows a code: paste it here (CODE#STATE) and press Enter.");
        context.out().flush();
        CompletableFuture<AuthorizationCode> code = new CompletableFuture<>();
        code.orTimeout(timeoutSeconds, TimeUnit.SECONDS);
        return waitWithScreen(context, session, code, "the code", () -> code.completeExceptionally(
                new LoginAbortedException(LoginAbortedException.Reason.CANCELLED)));
    }

    /**
     * Shows the waiting screen until {@code result} completes (the browser, a paste, a denial, the
     * timeout). Pasted lines that do not finish the login get one line of advice, and the wait goes on.
     */
    private AuthorizationCode waitWithScreen(CliContext context, AuthorizationSession session,
                                             CompletableFuture<AuthorizationCode> result, String waitingFor,
                                             Runnable cancel) {
        Clock clock = context.config().clock();
        LoginScreen screen = new LoginScreen(context, clock.instant().plusSeconds(timeoutSeconds), waitingFor);
        return whileWaiting(context, screen, cancel, () -> {
            screen.start(line -> {
                if (line.isBlank() || result.isDone()) {
                    return;
                }
                CallbackResult pasted = CallbackParser.parseWithState(line.trim(), session, clock.instant());
                if (pasted instanceof CallbackResult.Authorized authorized) {
                    result.complete(authorized.code());
                } else if (((CallbackResult.Rejected) pasted).error() instanceof AuthorizationDeniedException denied) {
                    result.completeExceptionally(denied);
                } else {
                    screen.message("maestro-auth: " + pasteAdvice(((CallbackResult.Rejected) pasted).error()));
                }
            });
            return awaitCode(result);
        });
    }

    private static AuthorizationCode awaitCode(CompletableFuture<AuthorizationCode> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthException auth) {
                throw auth;
            }
            if (e.getCause() instanceof TimeoutException) {
                throw new LoginAbortedException(LoginAbortedException.Reason.TIMED_OUT);
            }
            throw new IllegalStateException("unexpected login failure", e.getCause());
        }
    }

    /** What to do about a paste that did not finish the login; the login is still waiting. */
    private String pasteAdvice(AuthException error) {
        boolean anthropicCode = !service().configs().get(target.provider).redirectsToLoopback();
        String what = anthropicCode ? "the whole CODE#STATE string the page shows (the part after # ties it to "
                + "this login)" : "the whole address the browser ended on (it starts with "
                + "http://localhost and holds ?code= and &state=)";
        if (error instanceof InvalidCallbackException invalid) {
            return switch (invalid.reason()) {
                case STATE_MISMATCH -> "that belongs to another login (its state does not match). Still waiting: "
                        + "paste " + what + " of this one.";
                case SESSION_EXPIRED -> Terminal.safe(error.getMessage());
                default -> "that cannot be used (" + Terminal.safe(invalid.getMessage().split("\\. ")[0])
                        + "). Still waiting: paste " + what + ".";
            };
        }
        return Terminal.safe(error.getMessage());
    }

    private OAuthService service() {
        return context().get(OAuthService.class);
    }

    /** The label --account gives the account signed in as (a new one, or a new name for a stored one). */
    private java.util.Optional<String> label() {
        return java.util.Optional.ofNullable(account.account);
    }

    private void printSignedIn(CliContext context, SavedAuthentication saved) {
        PrintWriter out = context.out();
        OAuthToken token = (OAuthToken) saved.credential();
        String who = token.idTokenClaims().map(LoginCommand::describe).orElse("");
        java.util.List<Account> accounts = service().accounts().list(target.provider);
        String label = accounts.stream().filter(a -> a.id().equals(saved.key().account())).findFirst()
                .map(a -> ", account " + a.label() + (a.isDefault() ? " (the default)" : "")).orElse("");
        out.println("Signed in to " + target.provider.displayName() + who + label + ".");
        if (accounts.size() > 1) {
            out.println(accounts.size() + " " + target.provider.cliName() + " accounts are stored; `maestro-auth status`"
                    + " lists them, `maestro-auth use " + target.provider.cliName() + " LABEL` picks the default.");
        }
        Instant now = context.config().clock().instant();
        out.println(token.expiresAt()
                .map(at -> "The access token expires " + Display.when(at) + " (" + Display.relative(at, now) + ")"
                        + (token.isRefreshable() ? "; it is refreshed automatically." : "; log in again then."))
                .orElse("The provider did not say when the access token expires."));
        out.println("Stored encrypted in " + context.get(PersistenceSettings.class).describe() + ".");
    }

    private static String describe(IdTokenClaims claims) {
        return claims.emailIfKnown().map(email -> " as " + Terminal.safe(email)).orElse("")
                + claims.planTypeIfKnown().map(plan -> " (plan: " + Terminal.safe(plan) + ")").orElse("");
    }
}

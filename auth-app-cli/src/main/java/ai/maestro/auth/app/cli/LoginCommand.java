package ai.maestro.auth.app.cli;

import ai.maestro.auth.adapter.in.callback.CancelSecretFile;
import ai.maestro.auth.adapter.in.callback.LoopbackCallbackReceiver;
import ai.maestro.auth.adapter.out.persistence.PersistenceSettings;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.AuthorizationSession;
import ai.maestro.auth.domain.CallbackParser;
import ai.maestro.auth.domain.CallbackResult;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code login <provider>}: the browser flow, ending with an encrypted token in the store. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in in a browser (OAuth 2.0 Authorization Code + PKCE) and store the tokens encrypted.",
                "", "OpenAI returns the browser to http://localhost:1455. Without a browser here, open the address "
                + "on another machine and paste the address it ends on.",
                "", "Anthropic shows a CODE#STATE string: paste it."})
final class LoginCommand extends ProviderSubcommand {
    private static final Logger LOG = LoggerFactory.getLogger(LoginCommand.class);
    private static final char[] SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏".toCharArray();

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

    @Option(names = "--cancel-previous",
            description = "Cancel an earlier login of yours still waiting on the callback port.")
    boolean cancelPrevious;

    @Override
    public Integer call() {
        CliContext context = context();
        context.allowExtraTime(Duration.ofSeconds(timeoutSeconds));
        OAuthService service = context.get(OAuthService.class);
        ProviderConfig config = service.configs().get(target.provider);
        // A login whose tokens could not be stored must stop before the code is spent.
        service.checkStoreBeforeLogin(target.provider);
        OAuthService.LoginAttempt attempt = service.startLogin(target.provider);
        String url = attempt.request().uri().toString();
        SavedAuthentication saved;
        if (config.redirectsToLoopback()) {
            // Bound before the address is shown: a busy port fails before the user signs in for nothing.
            LoopbackCallbackReceiver receiver = startReceiver(context, attempt.session());
            CancelSecretFile cancelFile = CancelSecretFile.forPort(dataDirectory(context), receiver.port());
            try {
                writeCancelSecret(cancelFile, receiver);
                showAddress(context, url);
                saved = service.completeLogin(attempt.session(), waitForCallback(context, receiver));
            } finally {
                receiver.close();
                cancelFile.deleteIfStill(receiver.cancelSecret());
            }
        } else {
            showAddress(context, url);
            saved = service.completeLogin(attempt.session(), askForPastedCode(context));
        }
        context.get(AccessTokenService.class).forget(target.provider);
        printSignedIn(context, saved);
        return ExitCodes.OK;
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

    private static Path dataDirectory(CliContext context) {
        return context.get(PersistenceSettings.class).dataDirectory();
    }

    /** Best effort: without the file, only Ctrl-C or the timeout ends this login. */
    private static void writeCancelSecret(CancelSecretFile file, LoopbackCallbackReceiver receiver) {
        try {
            Files.createDirectories(file.file().getParent());
            file.write(receiver.cancelSecret());
        } catch (IOException e) {
            LOG.debug("The cancel secret could not be written to {}", file.file(), e);
        }
    }

    private AuthorizationCode waitForCallback(CliContext context, LoopbackCallbackReceiver receiver) {
        Clock clock = context.config().clock();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        AuthorizationSession session = receiver.session();
        Thread paste = readPastedCallbacks(context, session, receiver);
        ScheduledExecutorService status = showStatus(context, clock.instant().plus(timeout));
        // Ctrl-C: free the port at once and leave the terminal on a clean line.
        Thread onInterrupt = new Thread(() -> {
            status.shutdownNow();
            receiver.close();
            context.err().println(System.lineSeparator() + "Login cancelled; nothing was stored.");
            context.err().flush();
        }, "maestro-auth-cancel");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return receiver.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running.
            }
            status.shutdownNow();
            paste.interrupt();
            if (context.interactive()) {
                context.err().print("\r\033[K");
                context.err().flush();
            }
        }
    }

    private LoopbackCallbackReceiver startReceiver(CliContext context, AuthorizationSession session) {
        Clock clock = context.config().clock();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        int port = session.redirectUri().getPort();
        if (cancelPrevious && LoopbackCallbackReceiver.cancelRunning(port,
                CancelSecretFile.forPort(dataDirectory(context), port).read())) {
            context.out().println("Cancelled the previous login waiting on port " + port + ".");
        }
        // After a cancel, the old receiver needs a moment to let go of the port.
        for (int attempt = 0; ; attempt++) {
            try {
                return LoopbackCallbackReceiver.start(session, clock, timeout);
            } catch (CallbackPortInUseException busy) {
                if (!cancelPrevious || attempt >= 20) {
                    throw busy;
                }
                sleep(Duration.ofMillis(100));
            }
        }
    }

    /** Headless machines: the user opens the URL elsewhere and pastes the address the browser ended on. */
    private Thread readPastedCallbacks(CliContext context, AuthorizationSession session,
                                       LoopbackCallbackReceiver receiver) {
        Thread reader = new Thread(() -> {
            try {
                String line;
                while (!receiver.result().isDone() && (line = context.in().readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    CallbackResult result = CallbackParser.parseWithState(line, session,
                            context.config().clock().instant());
                    if (result instanceof CallbackResult.Authorized authorized) {
                        receiver.result().complete(authorized.code());
                    } else if (((CallbackResult.Rejected) result).error() instanceof AuthorizationDeniedException denied) {
                        receiver.result().completeExceptionally(denied);
                    } else {
                        context.err().println("maestro-auth: "
                                + Terminal.safe(((CallbackResult.Rejected) result).error().getMessage()));
                        context.err().flush();
                    }
                }
            } catch (IOException e) {
                // Standard input closed or unreadable: the browser can still complete the login.
            }
        }, "maestro-auth-paste");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private ScheduledExecutorService showStatus(CliContext context, Instant deadline) {
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "maestro-auth-status");
            thread.setDaemon(true);
            return thread;
        });
        PrintWriter err = context.err();
        Clock clock = context.config().clock();
        if (!context.interactive()) {
            err.println("Waiting for the browser (" + Display.clock(Duration.between(clock.instant(), deadline))
                    + " left). Or paste the address the browser ended on, then press Enter.");
            err.flush();
            return status;
        }
        int[] frame = {0};
        status.scheduleAtFixedRate(() -> {
            err.print("\r\033[K" + SPINNER[frame[0]++ % SPINNER.length] + " Waiting for the browser ("
                    + Display.clock(Duration.between(clock.instant(), deadline))
                    + " left, Ctrl-C to cancel) - or paste the address it ended on: ");
            err.flush();
        }, 0, 100, TimeUnit.MILLISECONDS);
        return status;
    }

    private String askForPastedCode(CliContext context) {
        context.out().println("After you approve, " + target.provider.displayName()
                + " shows a code. Paste it here (CODE#STATE) and press Enter:");
        context.out().flush();
        try {
            String line = context.in().readLine();
            if (line == null || line.isBlank()) {
                throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
            }
            return line;
        } catch (IOException e) {
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        }
    }

    private void printSignedIn(CliContext context, SavedAuthentication saved) {
        PrintWriter out = context.out();
        OAuthToken token = (OAuthToken) saved.credential();
        String who = token.idTokenClaims().map(LoginCommand::describe).orElse("");
        out.println("Signed in to " + target.provider.displayName() + who + ".");
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

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginAbortedException(LoginAbortedException.Reason.CANCELLED);
        }
    }
}

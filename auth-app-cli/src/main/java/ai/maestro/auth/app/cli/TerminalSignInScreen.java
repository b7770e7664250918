package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.SignInScreen;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import java.io.PrintWriter;
import java.net.URI;

/**
 * A sign-in on the terminal: the address (and the browser opened on it), the device code large
 * enough to read across a room, one waiting line, pasted lines handed to the sign-in with a line
 * of advice when one cannot finish it, and Ctrl-C saying once that nothing was stored.
 */
final class TerminalSignInScreen implements SignInScreen {
    private final CliContext context;
    private final ProviderId provider;
    private final boolean openBrowser;

    TerminalSignInScreen(CliContext context, ProviderId provider, boolean openBrowser) {
        this.context = context;
        this.provider = provider;
        this.openBrowser = openBrowser;
    }

    @Override
    public void cancelledEarlierLogin(int port) {
        context.out().println("Cancelled the earlier login waiting on port " + port + ".");
    }

    @Override
    public void showAddress(URI address, Flow flow) {
        PrintWriter out = context.out();
        String url = address.toString();
        out.println("Sign in to " + provider.displayName() + " in your browser:");
        out.println();
        out.println("  " + url);
        out.println();
        if (openBrowser) {
            out.println(context.browser().open(url) ? "Your browser has been opened."
                    : "No browser could be opened here: open the address above on any machine.");
        }
        out.println(flow == Flow.LOOPBACK ? "Browser on another machine? Paste the address it ended on here, then Enter."
                : "After you approve, " + provider.displayName() + " shows a code: paste it here (CODE#STATE) and"
                + " press Enter.");
        out.flush();
    }

    @Override
    public void showDeviceCode(URI verificationUri, String userCode) {
        PrintWriter out = context.out();
        out.println("Sign in to " + provider.displayName() + " on any device with a browser:");
        out.println();
        out.println("  1. Open   " + verificationUri);
        out.println("  2. Enter  " + Terminal.safe(userCode));
        out.println();
        out.flush();
    }

    /**
     * The waiting screen until the sign-in closes it. Ctrl-C closes the screen, cancels the wait
     * (freeing the callback port) and says once that nothing was stored.
     */
    @Override
    public Shown waitFor(Waiting waiting) {
        String what = switch (waiting.flow()) {
            case LOOPBACK -> "the browser";
            case PASTE -> "the code";
            case DEVICE -> "approval";
        };
        LoginScreen screen = new LoginScreen(context, waiting.deadline(), what);
        Thread onInterrupt = new Thread(() -> {
            screen.close();
            waiting.cancel();
            context.err().println(System.lineSeparator() + "Login cancelled; nothing was stored.");
            context.err().flush();
        }, "maestro-auth-cancel");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        if (waiting.flow() == Flow.DEVICE) {
            screen.startWithoutInput();
        } else {
            screen.start(line -> waiting.paste(line).ifPresent(error ->
                    screen.message("maestro-auth: " + pasteAdvice(error, waiting.flow()))));
        }
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook is already running.
            }
            screen.close();
        };
    }

    /** What to do about a paste that did not finish the login; the login is still waiting. */
    private static String pasteAdvice(AuthException error, Flow flow) {
        String what = flow == Flow.PASTE ? "the whole CODE#STATE string the page shows (the part after # ties it to "
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
}

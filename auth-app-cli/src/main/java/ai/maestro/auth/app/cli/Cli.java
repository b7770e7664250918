package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.AuthException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the command line and turns every failure into one clear line and an exit code. */
public final class Cli {
    private Cli() {
    }

    public static int run(CliContext context, String... args) {
        CommandLine commandLine = new CommandLine(new MaestroAuthCommand(context))
                .setOut(context.out())
                .setErr(context.err())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> report(context, e));
        int code = commandLine.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    /**
     * The typed error behind a failure, also when Guice wrapped it while building an object (a
     * ProvisionException around the configuration or store error that says what to do).
     */
    private static AuthException typedCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AuthException typed) {
                return typed;
            }
        }
        return null;
    }

    private static int report(CliContext context, Exception e) {
        PrintWriter err = context.err();
        AuthException auth = typedCause(e);
        if (auth != null) {
            err.println("maestro-auth: " + Terminal.safe(auth.getMessage()));
            if (context.verbose()) {
                e.printStackTrace(err);
            }
            return ExitCodes.of(auth);
        }
        err.println("maestro-auth: unexpected " + e.getClass().getSimpleName()
                + (context.verbose() ? "" : " (run again with --verbose for details)"));
        if (context.verbose()) {
            e.printStackTrace(err);
        }
        return ExitCodes.INTERNAL_ERROR;
    }
}

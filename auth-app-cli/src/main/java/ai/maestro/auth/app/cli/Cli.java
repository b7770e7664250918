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

    private static int report(CliContext context, Exception e) {
        PrintWriter err = context.err();
        if (e instanceof AuthException auth) {
            err.println("maestro-auth: " + auth.getMessage());
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

package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.ExitCodes;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import picocli.CommandLine;

/** Builds the command line and turns every failure into one clear line and an exit code. */
public final class Cli {
    private Cli() {
    }

    public static int run(CliContext context, String... args) {
        CommandLine commandLine = new CommandLine(new MaestroAuthCommand(context));
        // picocli builds a command's model by reflection: only the one being run is built (a tenth of
        // the start-up of building all of them), also for its own --help; the completion script gets
        // all of them, the root's --help, a typo and no command a summary of each.
        String name = firstWord(args);
        Class<?> wanted = MaestroAuthCommand.SUBCOMMANDS.get(name);
        java.util.List<String> words = java.util.Arrays.asList(args);
        boolean help = asksForHelp(args);
        // The root's help: a --help before any command's name (`maestro-auth --help token` too).
        boolean rootHelp = name.isEmpty() ? help : asksForHelp(java.util.Arrays.copyOf(args, words.indexOf(name)));
        boolean versionOnly = name.isEmpty() && !help && (words.contains("--version") || words.contains("-V"));
        boolean everyCommand = EVERY_COMMAND.contains(name);
        if (wanted != null && !rootHelp && !everyCommand) {
            commandLine.addSubcommand(name, wanted);
        } else if (!versionOnly) {
            // The root's help lists each command by its name and first line, and a typo or no command
            // needs only the names: the command named (if any) is built whole, the others summarized;
            // the completion script builds every one whole.
            for (java.util.Map.Entry<String, Class<?>> command : MaestroAuthCommand.SUBCOMMANDS.entrySet()) {
                boolean whole = everyCommand || command.getKey().equals(name);
                commandLine.addSubcommand(command.getKey(), whole ? command.getValue() : summary(command.getValue()));
            }
        }
        Failures failures = new Failures(context);
        commandLine.setOut(context.out())
                .setErr(context.err())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(failures)
                .setParameterExceptionHandler(failures);
        // Help and the version are printed by picocli and wait for nothing: no deadline to read from the configuration.
        int code = help || versionOnly ? commandLine.execute(args) : withinDeadline(context, () -> commandLine.execute(args));
        context.out().flush();
        context.err().flush();
        return code;
    }

    /**
     * A command as the root's help lists it, read from its {@code @Command} alone: a tenth of the cost
     * of its whole model (its options, mixins and converters, found by reflection).
     */
    private static CommandLine summary(Class<?> command) {
        CommandLine.Command annotation = command.getAnnotation(CommandLine.Command.class);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(annotation.name())
                .aliases(annotation.aliases());
        spec.usageMessage().header(annotation.header()).description(annotation.description()).hidden(annotation.hidden());
        return new CommandLine(spec);
    }

    /**
     * Turns a failure into its line and exit code. A class, not lambdas: picocli's class files are
     * of Java 5, and the start-up archive of JDK 17 leaves out such a class once a lambda made against
     * it (or a method reference into it) links it while the archive is dumped; CommandLine itself, the
     * largest, would then be read from the jar and verified by the old verifier at every start.
     */
    private record Failures(CliContext context)
            implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
            return report(context, e);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            return usageError(context, e);
        }
    }

    /**
     * Whether these arguments may run a command that opens the credential store (not help, a version
     * or config). Decided from the words alone, without loading a command's class: it is asked first.
     */
    static boolean opensStore(String... args) {
        String name = firstWord(args);
        return !name.isEmpty() && !STORELESS.contains(name) && !asksForHelp(args);
    }

    /** Whether --help or -h is among our own arguments (not after `--`, where a child command's begin). */
    private static boolean asksForHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Whether --verbose is among our own arguments (not after `--`, where a child command's begin). */
    static boolean verboseAsked(String... args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether these arguments sign in: the token request follows the user's seconds in the browser,
     * time in which its HTTP client can be warmed. (A refresh or a revocation follows the store's
     * read within milliseconds: warming beside it saved nothing, measured, and cost CPU.)
     */
    static boolean signsIn(String... args) {
        return opensStore(args) && firstWord(args).equals("login");
    }

    private static final java.util.Set<String> STORELESS = java.util.Set.of("config", "generate-completion");

    /** Commands that need every command's model: the completion script completes them all. */
    private static final java.util.Set<String> EVERY_COMMAND = java.util.Set.of("generate-completion");

    /** The first argument that is not an option: the command's name, if any. */
    private static String firstWord(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }

    /**
     * Runs the command on a worker thread and gives up when it outlives its deadline: whatever it
     * waits for (a server, a lock, a disk), the user gets one line and exit 5, never a hang. The
     * bounds inside (token endpoint deadline, lock waits) end it earlier in every case they know.
     */
    private static int withinDeadline(CliContext context, IntSupplier command) {
        FutureTask<Integer> task = new FutureTask<>(command::getAsInt);
        Thread worker = new Thread(task, "maestro-auth-command");
        worker.setDaemon(true);
        worker.start();
        long started = System.nanoTime();
        try {
            while (true) {
                long left = context.deadline().toNanos() - (System.nanoTime() - started);
                try {
                    return task.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // login may have moved its deadline out meanwhile (its --timeout).
                    if (context.deadline().toNanos() - (System.nanoTime() - started) <= 0) {
                        // Not interrupted: its own error line would follow this one. The process ends now.
                        context.err().println("maestro-auth: gave up after " + context.deadline().toSeconds()
                                + " s: a server, the credential store or a lock did not answer in time. Try again later;"
                                + " --verbose shows where it waited (the limit is " + MaestroAuthConfig.COMMAND_TIMEOUT_VARIABLE
                                + ").");
                        if (context.verbose()) {
                            for (StackTraceElement frame : worker.getStackTrace()) {
                                context.err().println("\tat " + frame);
                            }
                        }
                        return ExitCodes.PROVIDER_UNAVAILABLE;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            return ExitCodes.LOGIN_FAILED;
        } catch (ExecutionException e) {
            // picocli's handlers turn every failure into an exit code; this is a failure of the handler itself.
            throw new IllegalStateException("the command failed outside its error handling", e.getCause());
        }
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

    /** One line and where to read more; the whole help would push the mistake off the screen. */
    private static int usageError(CliContext context, CommandLine.ParameterException e) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        String suggestion = e instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()
                ? " Did you mean: " + String.join(" or ", unmatched.getSuggestions()) + "?" : "";
        // picocli's messages end bare, ours with a full stop: each sentence ends once.
        String message = Terminal.safe(e.getMessage());
        context.err().println("maestro-auth: " + message + (message.endsWith(".") ? "" : ".") + suggestion + " (see: "
                + command + " --help)");
        return ExitCodes.USAGE;
    }

    private static int report(CliContext context, Exception e) {
        PrintWriter err = context.err();
        AuthException auth = typedCause(e);
        if (auth != null) {
            err.println("maestro-auth: " + Terminal.safe(auth.getMessage()));
            if (context.verbose()) {
                printStackTrace(err, e);
            }
            return ExitCodes.of(auth);
        }
        err.println("maestro-auth: unexpected " + e.getClass().getSimpleName()
                + (context.verbose() ? "" : " (run again with --verbose for details)"));
        if (context.verbose()) {
            printStackTrace(err, e);
        }
        return ExitCodes.INTERNAL_ERROR;
    }

    /** A stack trace, each line escaped like every other: messages in it may quote a server's text. */
    private static void printStackTrace(PrintWriter err, Exception e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        trace.toString().lines().forEach(line -> err.println(Terminal.safe(line).replace("\\x09", "\t")));
    }
}

package ai.maestro.auth.app.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root of the command tree. */
@Command(name = "maestro-auth",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Sign in to OpenAI and Anthropic with OAuth 2.0 + PKCE and hand out valid access tokens.",
        footer = {"", "Exit codes:", "  0 ok                  5 provider unavailable (try later)",
                "  1 unexpected error    6 login failed, denied, cancelled or timed out",
                "  2 usage error         7 invalid configuration",
                "  3 not logged in       8 credential store unreadable (key? database?)",
                "  4 log in again        9 provider refused the request",
                "130 interrupted (Ctrl-C): nothing was stored"})
public final class MaestroAuthCommand implements Runnable {
    /** The commands, by name, in the order --help lists them. */
    static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, Class<?>> subcommands() {
        java.util.Map<String, Class<?>> all = new java.util.LinkedHashMap<>();
        for (Class<?> command : java.util.List.of(LoginCommand.class, StatusCommand.class, UseCommand.class, TokenCommand.class,
                RefreshCommand.class, LogoutCommand.class, ApiKeyCommand.class, VerifyCommand.class, UsageCommand.class,
                ConfigCommand.class, RekeyCommand.class, ExecCommand.class, AutoComplete.GenerateCompletion.class)) {
            all.put(command.getAnnotation(Command.class).name(), command);
        }
        return java.util.Collections.unmodifiableMap(all);
    }

    private final CliContext context;

    @Spec
    CommandSpec spec;

    public MaestroAuthCommand(CliContext context) {
        this.context = context;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Log what happens (never secrets) and show stack traces.")
    void verbose(boolean verbose) {
        context.verbose(verbose);
        if (verbose && !Main.logLevelGiven()) {
            verboseLogging();
        }
    }

    /** Our own lines; a library speaks only when something is wrong (a -D level given to the JVM wins). */
    static void verboseLogging() {
        System.setProperty(Main.LOG_LEVEL, "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.maestro", "debug");
    }

    CliContext context() {
        return context;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try `maestro-auth login openai`.");
    }
}

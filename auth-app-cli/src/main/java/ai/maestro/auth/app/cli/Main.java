package ai.maestro.auth.app.cli;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.ProcessSetup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The {@code maestro-auth} program. */
public final class Main {
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    /** {@code -Dmaestro-auth.warm-up=off}: no warm-up threads (for a machine with one core to spare, or none). */
    static final String WARM_UP = "maestro-auth.warm-up";
    /** Whether the JVM was given a log level of its own (-D), which --verbose leaves alone. */
    private static volatile boolean levelGiven;

    static boolean logLevelGiven() {
        return levelGiven;
    }

    private Main() {
    }

    /**
     * The command line binds no method interceptors: Guice need not generate classes at run time,
     * whose definer calls sun.misc.Unsafe (four WARNING lines on JDK 24+, and start-up time). The
     * start-up archive's training run sets it too, so that it loads what the commands load.
     */
    static void noClassGeneration() {
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
    }

    public static void main(String[] args) {
        // Silent by default: the terminal shows only the CLI's own one-line messages, never a logger's
        // line (ours or a library's: HikariCP, the PostgreSQL driver, H2, OkHttp). --verbose turns the
        // debug log on before the first logger exists (a -D given to the JVM wins).
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "off");
        } else {
            levelGiven = true;
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        noClassGeneration();
        // SIGTERM (a container stop) or SIGINT (Ctrl-C) during a refresh: the provider rotates the
        // refresh token on receipt, so its answer is made durable (2 s at most) before the JVM exits
        // (143 or 130, as any process stopped by those signals).
        ProcessSetup.keepRefreshAnswers(Duration.ofSeconds(2));
        ProcessSetup.boundHttpServers();
        if (!levelGiven && Cli.verboseAsked(args)) {
            // Set now, not when picocli reads the option: the threads started below create loggers.
            MaestroAuthCommand.verboseLogging();
        }
        // A command that opens the store: its libraries warm up, and then its wiring is built, on other
        // cores while the configuration is read and picocli parses.
        boolean ahead = Cli.opensStore(args) && !"off".equals(System.getProperty(WARM_UP));
        if (ahead) {
            ProcessSetup.warmUpStore();
        }
        if (Cli.signsIn(args)) {
            // Whatever the JDK: it runs while the user is in the browser, when nothing else does.
            ProcessSetup.warmUpHttp();
        }
        CliContext context = CliContext.standard(MaestroAuthConfig::fromSystemEnvironment,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                System.console() != null);
        if (ahead) {
            context.prepare();
        }
        System.exit(Cli.run(context, args));
    }
}

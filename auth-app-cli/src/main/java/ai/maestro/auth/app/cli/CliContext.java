package ai.maestro.auth.app.cli;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.time.Duration;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.util.function.Function;

/** What a command runs with: configuration, streams, the injector (built on first use) and a browser. */
public final class CliContext {
    /** Opens a URL in the user's browser; false when there is none. */
    @FunctionalInterface
    public interface Browser {
        boolean open(String url);
    }

    /**
     * Read on first use (`--version` and `--help` never need it), under a lock of its own: the deadline's
     * timer reads it while a command holds this context building the injector.
     */
    private final java.util.function.Supplier<MaestroAuthConfig> config;
    private final BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;
    private final Browser browser;
    private final Function<MaestroAuthConfig, Module> modules;
    private Injector injector;
    /** The injector being built on another thread while the command line is parsed; null when not asked. */
    private java.util.concurrent.FutureTask<Injector> preparing;
    private boolean verbose;
    /** Added to the command timeout by a command that waits for the user (login's --timeout). */
    private volatile Duration extraTime = Duration.ZERO;

    public CliContext(MaestroAuthConfig config, BufferedReader in, PrintWriter out, PrintWriter err,
                      boolean interactive, Browser browser, Function<MaestroAuthConfig, Module> modules) {
        this(() -> config, in, out, err, interactive, browser, modules);
    }

    /** With the configuration read when a command first asks for it. */
    public CliContext(java.util.function.Supplier<MaestroAuthConfig> config, BufferedReader in, PrintWriter out,
                      PrintWriter err, boolean interactive, Browser browser, Function<MaestroAuthConfig, Module> modules) {
        this.config = com.google.common.base.Suppliers.memoize(config::get);
        this.in = in;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.browser = browser;
        this.modules = modules;
    }

    public static CliContext standard(MaestroAuthConfig config, BufferedReader in, PrintWriter out, PrintWriter err,
                                      boolean interactive) {
        return standard(() -> config, in, out, err, interactive);
    }

    /** The command line's context, its configuration read when a command first asks for it. */
    public static CliContext standard(java.util.function.Supplier<MaestroAuthConfig> config, BufferedReader in,
                                      PrintWriter out, PrintWriter err, boolean interactive) {
        return new CliContext(config, in, out, err, interactive, SystemBrowser::open, MaestroAuthModule::new);
    }

    public synchronized <T> T get(Class<T> type) {
        if (injector == null) {
            if (!config().problems().isEmpty()) {
                throw new ConfigurationException(config().problems());
            }
            injector = preparing == null ? Guice.createInjector(modules.apply(config())) : prepared();
        }
        return injector.getInstance(type);
    }

    /**
     * Starts building the injector on a daemon thread, so that a command that will need it does not
     * wait for it after its command line is parsed; {@link #get} takes it (or its failure) from there.
     * Nothing is built for a configuration with problems: {@link #get} reports them.
     */
    synchronized void prepare() {
        if (injector == null && preparing == null && config().problems().isEmpty()) {
            MaestroAuthConfig read = config();
            preparing = new java.util.concurrent.FutureTask<>(() -> Guice.createInjector(modules.apply(read)));
            Thread thread = new Thread(preparing, "maestro-auth-wiring");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private Injector prepared() {
        try {
            // Unbounded on purpose: building the injector does no I/O, and the command's deadline bounds the caller.
            return preparing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the wiring was built", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("the wiring failed", e.getCause());
        }
    }

    public MaestroAuthConfig config() {
        return config.get();
    }

    public BufferedReader in() {
        return in;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public boolean interactive() {
        return interactive;
    }

    public Browser browser() {
        return browser;
    }

    public boolean verbose() {
        return verbose;
    }

    void verbose(boolean value) {
        this.verbose = value;
    }

    /** The command waits for the user up to {@code time}: its deadline moves out by that much. */
    void allowExtraTime(Duration time) {
        this.extraTime = time;
    }

    Duration deadline() {
        return config().commandTimeout().plus(extraTime);
    }
}

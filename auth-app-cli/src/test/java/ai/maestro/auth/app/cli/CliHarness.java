package ai.maestro.auth.app.cli;

import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the CLI in-process, on its own thread, with a pipe for standard input and captured output. */
final class CliHarness {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final PipedWriter stdin = new PipedWriter();
    private final CompletableFuture<Integer> exit;
    boolean isTokenCommand;

    CliHarness(Map<String, String> env, String... args) {
        PipedReader reader;
        try {
            reader = new PipedReader(stdin, 64 * 1024);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        CliContext context = new CliContext(MaestroAuthConfig.fromEnvironment(env), new BufferedReader(reader),
                new PrintWriter(out, true), new PrintWriter(err, true), false, url -> false,
                ai.maestro.auth.app.wiring.MaestroAuthModule::new);
        if (Cli.opensStore(args)) {
            context.prepare(); // as the program does: the wiring is built while picocli parses
        }
        exit = CompletableFuture.supplyAsync(() -> Cli.run(context, args));
    }

    static CliHarness run(Map<String, String> env, String... args) {
        return new CliHarness(env, args);
    }

    void type(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    void closeInput() throws IOException {
        stdin.close();
    }

    int exitCode() throws Exception {
        return exit.get(60, TimeUnit.SECONDS);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    String all() {
        return out() + err();
    }

    /** Waits until the authorization URL is printed and returns it. */
    String authorizationUrl() throws InterruptedException {
        Pattern url = Pattern.compile("(https?://\\S+/oauth/authorize\\?\\S+)");
        for (int i = 0; i < 600; i++) {
            Matcher matcher = url.matcher(out());
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (exit.isDone()) {
                throw new AssertionError("the CLI ended before printing a URL: " + all());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no authorization URL printed: " + all());
    }

    static String query(String url, String name) {
        Matcher matcher = Pattern.compile("[?&]" + name + "=([^&]+)").matcher(url);
        if (!matcher.find()) {
            throw new AssertionError(name + " missing from " + url);
        }
        return java.net.URLDecoder.decode(matcher.group(1), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Waits until the CLI listens for the callback (its waiting line is printed). */
    void awaitWaiting() throws InterruptedException {
        for (int i = 0; i < 600 && !err().contains("Waiting for the browser"); i++) {
            Thread.sleep(50);
        }
    }
}

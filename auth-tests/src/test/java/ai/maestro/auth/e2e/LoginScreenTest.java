package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code maestro-auth login} and {@code status} on a real terminal: tmux gives the CLI a pty of a fixed
 * size, the test reads the screen back with {@code capture-pane} and types with {@code send-keys}, as a
 * user would.
 */
class LoginScreenTest extends OnAUsersMachine {
    private final String socket = "maestro-screen-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void killTmux() throws Exception {
        run(List.of("tmux", "-L", socket, "kill-server"));
    }

    @Test
    void at80x24TheAddressStaysOnScreenTheWaitingLineFitsAndAPasteIsNeverOverwritten() throws Exception {
        open(80, 24);
        List<String> screen = waitForScreen(s -> rows(s, "Waiting for the browser") == 1, 30);
        String url = authorizationUrl();
        Thread.sleep(2_500); // some 25 redraws
        screen = capture();
        System.out.println("login screen at 80x24 after 2.5 s:\n" + join(screen));

        assertEquals(1, rows(screen, "Waiting for the browser"), "the waiting line repeated:\n" + join(screen));
        assertTrue(screen.stream().anyMatch(row -> row.contains(url.substring(0, 40))),
                "the address scrolled away:\n" + join(screen));
        String waiting = screen.stream().filter(row -> row.contains("Waiting for the browser")).findFirst().orElseThrow();
        assertTrue(waiting.stripTrailing().length() < 80, "the waiting line wraps: " + waiting);

        String callback = redirectOf(url);
        String forged = callback.replaceFirst("state=[^&]+", "state=forged-by-someone-else");
        keys("-l", forged);
        Thread.sleep(1_500); // a redraw would wipe the line being typed
        screen = capture();
        assertTrue(join(screen).replace("\n", "").contains(forged.substring(0, 60)),
                "the paste was overwritten:\n" + join(screen));
        keys("Enter");
        screen = waitForScreen(s -> join(s).contains("belongs to another login"), 10);
        assertEquals(1, rows(waitForScreen(s -> rows(s, "Waiting for the browser") == 1, 10), "Waiting for the browser"));

        keys("-l", callback);
        keys("Enter");
        screen = waitForScreen(s -> join(s).contains("Signed in to OpenAI"), 30);
        assertTrue(join(screen).contains("Signed in to OpenAI as ada@example.com"), join(screen));
    }

    @Test
    void ctrlCSaysOnceThatNothingWasStoredAndExitsWith130() throws Exception {
        open(80, 24);
        waitForScreen(s -> rows(s, "Waiting for the browser") == 1, 30);
        keys("-l", "http://localhost/half-typed");
        keys("C-c");

        List<String> screen = waitForScreen(s -> join(s).contains("exited with 130"), 15);
        assertEquals(1, rows(screen, "Login cancelled; nothing was stored."), join(screen));
        assertTrue(screen.stream().noneMatch(row -> row.contains("Exception")), join(screen));
    }

    @Test
    void theWaitingLineFitsA40ColumnTerminal() throws Exception {
        open(40, 24);
        List<String> screen = waitForScreen(s -> join(s).contains(" left"), 30);
        Thread.sleep(1_500);
        screen = capture();

        List<String> waiting = screen.stream().filter(row -> row.matches(".*\\d:\\d\\d left.*")).toList();
        assertEquals(1, waiting.size(), join(screen));
        assertTrue(waiting.get(0).stripTrailing().length() < 40, waiting.get(0));
    }

    /**
     * `status` on an 80-column terminal: the key's line, whose reason is long (no keyring answers,
     * and why), wraps between words under its value instead of where the terminal cuts it.
     */
    @Test
    void statusWrapsTheKeysReasonUnderItsValueAt80Columns() throws Exception {
        machine.env.remove("MAESTRO_AUTH_ENCRYPTION_KEY");
        machine.cliLogin();
        open(80, 24, "status");
        List<String> screen = waitForScreen(s -> join(s).contains("exited with"), 30);
        System.out.println("status at 80x24:\n" + join(screen));
        assertTrue(join(screen).contains("exited with 0"), join(screen));
        int first = screen.indexOf(screen.stream().filter(row -> row.startsWith("Encryption key: ")).findFirst()
                .orElseThrow(() -> new AssertionError(join(screen))));
        List<String> key = new ArrayList<>(List.of(screen.get(first)));
        for (int row = first + 1; row < screen.size() && screen.get(row).startsWith(" ".repeat(16)); row++) {
            key.add(screen.get(row));
        }
        assertTrue(key.size() > 1, "the reason was not wrapped under the value:\n" + join(screen));
        assertTrue(key.stream().allMatch(row -> row.stripTrailing().length() < 80), join(key));
        String joined = key.stream().map(String::strip).collect(java.util.stream.Collectors.joining(" "));
        assertTrue(joined.contains("(it exists, and no keyring answers here: ") && joined.endsWith("))"), joined);
    }

    /** A terminal of {@code columns} x {@code rows} running {@code login openai --no-browser}. */
    private void open(int columns, int rows) throws Exception {
        open(columns, rows, "login", "openai", "--no-browser", "--timeout", "120");
    }

    /** A terminal of {@code columns} x {@code rows} running the CLI with {@code args}, without a D-Bus session. */
    private void open(int columns, int rows, String... args) throws Exception {
        Assumptions.assumeTrue(run(List.of("tmux", "-V")) == 0, "tmux is not installed (.ci/run installs it)");
        StringBuilder script = new StringBuilder("#!/bin/sh\nunset DBUS_SESSION_BUS_ADDRESS\n");
        for (Map.Entry<String, String> e : machine.env.entrySet()) {
            script.append("export ").append(e.getKey()).append("='").append(e.getValue()).append("'\n");
        }
        script.append("exec");
        for (String word : CliProcess.commandLine(List.of(), args)) {
            script.append(" '").append(word).append("'");
        }
        script.append("\n");
        Path file = home.resolve("screen.sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, run(List.of("tmux", "-L", socket, "new-session", "-d", "-x", String.valueOf(columns), "-y",
                String.valueOf(rows), "sh -c 'trap true INT; " + file + "; echo exited with $?; sleep 60'")));
        run(List.of("tmux", "-L", socket, "set-option", "-g", "remain-on-exit", "on"));
    }

    private String authorizationUrl() throws Exception {
        List<String> joined = lines(List.of("tmux", "-L", socket, "capture-pane", "-p", "-J"));
        Matcher url = Pattern.compile("(http://\\S+/oauth/authorize\\?\\S+)").matcher(String.join("\n", joined));
        assertTrue(url.find(), String.join("\n", joined));
        return url.group(1);
    }

    private static String redirectOf(String url) throws IOException {
        try (Response redirect = new OkHttpClient.Builder().followRedirects(false).build()
                .newCall(new Request.Builder().url(url).build()).execute()) {
            return redirect.header("Location");
        }
    }

    private void keys(String... keys) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "send-keys", "-t", "0"));
        command.addAll(List.of(keys));
        assertEquals(0, run(command));
    }

    private List<String> capture() throws Exception {
        return lines(List.of("tmux", "-L", socket, "capture-pane", "-p"));
    }

    private List<String> waitForScreen(Predicate<List<String>> ready, int seconds) throws Exception {
        List<String> screen = List.of();
        for (int i = 0; i < seconds * 10; i++) {
            screen = capture();
            if (ready.test(screen)) {
                return screen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the screen never got there:\n" + join(screen));
    }

    private static long rows(List<String> screen, String text) {
        return screen.stream().filter(row -> row.contains(text)).count();
    }

    private static String join(List<String> screen) {
        return String.join("\n", screen);
    }

    private static List<String> lines(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return out.lines().toList();
    }

    private static int run(List<String> command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException notInstalled) {
            return -1;
        }
    }
}

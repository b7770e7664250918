package ai.maestro.auth.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Secret Service for the keyring tests: GNOME Keyring on a private D-Bus session bus
 * ({@code dbus-run-session}), its login keyring made and unlocked with a test password, its files in
 * a directory of the test's own (never the machine's keyrings).
 */
final class KeyringSession implements AutoCloseable {
    static final String PASSWORD = "test-password";

    private final Process session;
    private final String bus;
    private final Path home;

    private KeyringSession(Process session, String bus, Path home) {
        this.session = session;
        this.bus = bus;
        this.home = home;
    }

    /** A running session, or empty (with the reason printed) where none can be started here. */
    static Optional<KeyringSession> start(Path directory) throws Exception {
        for (String tool : List.of("dbus-run-session", "gnome-keyring-daemon", "secret-tool")) {
            if (!onPath(tool)) {
                System.err.println("SKIPPED keyring test: " + tool + " is not installed (.ci/run installs it)");
                return Optional.empty();
            }
        }
        Path home = Files.createDirectories(directory.resolve("keyring-home"));
        Path runtime = Files.createDirectories(home.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ProcessBuilder builder = new ProcessBuilder("dbus-run-session", "--", "sh", "-c",
                "printf %s \"$KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock --components=secrets --foreground"
                        + " >/dev/null 2>&1 & echo \"BUS=$DBUS_SESSION_BUS_ADDRESS\"; exec sleep 3600");
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("XDG_DATA_HOME", home.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("KEYRING_PASSWORD", PASSWORD);
        env.remove("DISPLAY");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process session = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(session.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("BUS=unix:")) {
            session.destroyForcibly();
            System.err.println("SKIPPED keyring test: no D-Bus session could be started (" + line + ")");
            return Optional.empty();
        }
        KeyringSession keyring = new KeyringSession(session, line.substring(4), home);
        // The daemon takes the bus name, then unlocks its login collection, shortly after it starts (longer on a
        // loaded machine): a test begins only once a secret stored there is read back, or a keyring that is
        // not ready yet would send a login's new key to a file (as it should for a keyring that fails).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Until the daemon holds its name, a client's call makes the bus start another daemon (D-Bus
        // activation) whose keyring waits for a password nobody types, and the call hangs: the bus is
        // asked first, which starts nothing.
        while (!keyring.ownsItsName() || !keyring.answers()) {
            if (System.nanoTime() - deadline > 0) {
                keyring.close();
                throw new IllegalStateException("the test keyring did not answer within 60 s");
            }
            Thread.sleep(50);
        }
        return Optional.of(keyring);
    }

    /** A running session, or the calling test skipped (with the reason) where none can be started here. */
    static KeyringSession startOrSkip(Path directory) throws Exception {
        Optional<KeyringSession> started = start(directory);
        org.junit.jupiter.api.Assumptions.assumeTrue(started.isPresent(),
                "keyring test skipped: no Secret Service can be started here");
        return started.get();
    }

    /** Makes this keyring the only place of the key for processes started with {@code env}. */
    void holdsTheKeyFor(Map<String, String> env) {
        addTo(env);
        env.remove("MAESTRO_AUTH_ENCRYPTION_KEY");
        env.put("MAESTRO_AUTH_KEY_STORE", "keyring");
    }

    private static boolean onPath(String tool) {
        return List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** What a process needs to reach this keyring. */
    void addTo(Map<String, String> env) {
        env.put("DBUS_SESSION_BUS_ADDRESS", bus);
    }

    record Result(int exit, String out) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Whether the Secret Service's name has an owner on this bus (asked of the bus, which activates nothing). */
    private boolean ownsItsName() throws Exception {
        Result owned = run("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets");
        return owned.ok() && owned.out().contains("boolean true");
    }

    /** Whether a secret stored in this keyring is read back (then removed). */
    private boolean answers() throws Exception {
        String[] probe = {"service", "maestro-auth-probe", "account", "probe"};
        if (!runWithInput("probe", concat(new String[] {"secret-tool", "store", "--label=probe"}, probe)).ok()) {
            return false;
        }
        Result back = run(concat(new String[] {"secret-tool", "lookup"}, probe));
        run(concat(new String[] {"secret-tool", "clear"}, probe));
        return back.ok() && back.out().trim().equals("probe");
    }

    private static String[] concat(String[] first, String[] second) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(second))
                .toArray(String[]::new);
    }

    /** A command on this session's bus (secret-tool, dbus-send), bounded. */
    Result run(String... command) throws Exception {
        return runWithInput("", command);
    }

    private Result runWithInput(String input, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DBUS_SESSION_BUS_ADDRESS", bus);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        try (java.io.OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(process.exitValue(), text.get(5, TimeUnit.SECONDS));
    }

    /** The maestro-auth entries, as {@code secret-tool search} prints them (with their secrets). */
    String entries() throws Exception {
        return run("secret-tool", "search", "--all", "--unlock", "service", "maestro-auth").out();
    }

    /** Locks every collection, as a screen lock or a new session does. */
    void lock() throws Exception {
        Result locked = run("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login");
        if (!locked.ok()) {
            throw new IllegalStateException("could not lock the keyring: " + locked.out());
        }
    }

    @Override
    public void close() {
        session.descendants().forEach(ProcessHandle::destroyForcibly);
        session.destroyForcibly();
    }
}

package ai.maestro.auth.e2e;

import ai.maestro.auth.app.cli.Main;
import ai.maestro.auth.app.cli.StartupTraining;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code maestro-auth} main class in a child JVM, as the launcher script runs it: it starts,
 * does one command and exits (or is killed). Output is collected on a thread so the child never blocks.
 */
final class CliProcess implements AutoCloseable {
    /** The build's archive, found or made once per test JVM by {@link #archive()}. */
    private static Path archive;

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();

    private CliProcess(Process process) {
        this.process = process;
        drain(process.getInputStream(), out);
        drain(process.getErrorStream(), err);
    }

    static CliProcess start(Map<String, String> env, String... args) throws IOException {
        return start(env, List.of(), args);
    }

    /** With extra JVM options, e.g. a log level. */
    static CliProcess start(Map<String, String> env, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = commandLine(jvmOptions, args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_AUTH") || k.startsWith("OPENAI_OAUTH")
                || k.startsWith("ANTHROPIC_OAUTH"));
        builder.environment().putAll(env);
        return new CliProcess(builder.start());
    }

    /** The command that runs the CLI as the launcher does, for a terminal or a process of our own. */
    static List<String> commandLine(List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(LAUNCHER_OPTIONS);
        command.addAll(archive());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The CLI's jars from this JVM's class path: class-data sharing refuses directories, and the CLI
     * needs none of the test classes.
     */
    private static String classPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The launcher's collector: on JDK 17 G1 with one thread (the archive's heap objects need it), else Serial. */
    static final List<String> COLLECTOR = Runtime.version().feature() == 17
            ? List.of("-XX:+UseG1GC", "-XX:ParallelGCThreads=1", "-XX:ConcGCThreads=1") : List.of("-XX:+UseSerialGC");

    /** The JVM options the launcher script gives every command. */
    static final List<String> LAUNCHER_OPTIONS = launcherOptions();

    private static List<String> launcherOptions() {
        List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
        options.addAll(COLLECTOR);
        options.addAll(List.of("-Xlog:disable", "-XX:-PrintWarnings", "-XX:-FlightRecorder"));
        return List.copyOf(options);
    }

    /**
     * The start-up archive of the CLI, made as the launcher script makes one (the training run of
     * the everyday commands, a static class-list archive on every JDK): it makes every start of the
     * hundreds here as fast as a user's. One per build, in the module's build directory: the test JVMs
     * of a run share it (the first to ask makes it while the others wait) and a run on an unchanged
     * build reuses it. No archive (it could not be made) is a slower start, never a failure.
     */
    private static synchronized List<String> archive() throws IOException {
        if (archive == null) {
            archive = sharedArchive();
        }
        if (!Files.exists(archive)) {
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    /** The archive the child JVMs map (made on first use). */
    static synchronized Path archiveFile() throws IOException {
        archive();
        return archive;
    }

    /**
     * The build's archive, made unless this build has one: named by what it is made from (this JDK, the
     * launcher's options, the class path's jars as built), so a rebuilt jar gets a new one and the old
     * one goes. Made under a lock other test JVMs wait on, within a bound.
     */
    static Path sharedArchive() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "cli-archive").toAbsolutePath());
        Path file = dir.resolve("cli-" + buildKey() + ".jsa");
        try (FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockWithin(channel, Duration.ofMinutes(8))) {
            if (lock == null || Files.exists(file)) {
                return file;
            }
            try (var old = Files.newDirectoryStream(dir, "cli-*")) {
                for (Path made : old) {
                    Files.deleteIfExists(made);
                }
            }
            // Made under another name and moved: a test JVM killed while dumping leaves no torn archive.
            Path making = dir.resolve("making.jsa");
            Path classes = dir.resolve("making.classlist");
            List<String> training = new ArrayList<>(List.of(java()));
            training.addAll(LAUNCHER_OPTIONS);
            training.addAll(List.of("-Xshare:off", "-XX:DumpLoadedClassList=" + classes));
            training.addAll(List.of("-cp", classPath(), StartupTraining.class.getName()));
            Files.deleteIfExists(making);
            run(training);
            dump(making, classes);
            if (Files.exists(making)) {
                Files.move(making, file, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(classes);
            Files.deleteIfExists(Path.of(making + ".log"));
        }
        return file;
    }

    private static FileLock lockWithin(FileChannel channel, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null || System.nanoTime() - deadline > 0) {
                return lock;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** What the archive is made from; the JVM refuses an archive whose jars changed, this names a new one. */
    private static String buildKey() throws IOException {
        StringBuilder made = new StringBuilder(System.getProperty("java.home")).append('\n')
                .append(Runtime.version()).append('\n').append(LAUNCHER_OPTIONS).append('\n');
        for (String jar : classPath().split(java.io.File.pathSeparator)) {
            Path path = Path.of(jar);
            made.append(jar).append(' ').append(Files.size(path)).append(' ')
                    .append(Files.getLastModifiedTime(path).toMillis()).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(made.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The launcher's dump: the archive of the listed classes, made again without the pre-resolved
     * constant-pool entries ({@code @cp} lines, JDK 21 on) of the classes the dump left out because it
     * had to link an old class file (picocli's, of Java 5) for them.
     */
    private static void dump(Path file, Path classes) throws IOException {
        Path log = Path.of(file + ".log");
        for (int attempt = 0; attempt < 3; attempt++) {
            Files.deleteIfExists(log);
            List<String> dump = new ArrayList<>(List.of(java()));
            dump.addAll(COLLECTOR);
            dump.addAll(List.of("-Xlog:disable", "-Xlog:cds=warning:file=" + log + "::filecount=0", "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + file, "-cp", classPath()));
            run(dump);
            if (!Files.exists(log)) {
                return;
            }
            java.util.Set<String> linked = new java.util.HashSet<>();
            java.util.regex.Matcher skipped = java.util.regex.Pattern.compile("Skipping ([^ :]+): Old class has been linked")
                    .matcher(Files.readString(log));
            while (skipped.find()) {
                linked.add(skipped.group(1));
            }
            List<String> lines = Files.readAllLines(classes);
            List<String> kept = lines.stream()
                    .filter(line -> !(line.startsWith("@cp ") && linked.contains(line.split(" ")[1]))).toList();
            if (kept.size() == lines.size()) {
                return;
            }
            Files.write(classes, kept);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(InputStream in, StringBuffer into) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException closed) {
                // The process is gone.
            }
        }, "cli-output");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for the exit code; fails the test when the process does not end in time. */
    int exitCode(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("maestro-auth did not end within " + seconds + " s: " + all());
        }
        // Let the output threads take the last bytes.
        Thread.sleep(20);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM (as a container stop does) and returns at once. */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGKILL and returns at once, without waiting for the process to be gone. */
    void signalKill() {
        // The handle's, not the Process's: that one also closes the output streams, which waits for their readers.
        process.toHandle().destroyForcibly();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void type(String line) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    String all() {
        return "[stdout] " + out + " [stderr] " + err;
    }

    /** Waits until the authorization URL is printed and returns it. */
    String authorizationUrl() throws InterruptedException {
        Pattern url = Pattern.compile("(https?://\\S+/oauth/authorize\\?\\S+)");
        for (int i = 0; i < 600; i++) {
            Matcher matcher = url.matcher(out);
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("maestro-auth ended before printing a URL: " + all());
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no authorization URL printed: " + all());
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

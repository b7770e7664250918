package ai.maestro.auth.bench.floor;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The floor of {@code --version} and {@code --help}: a picocli command that prints its version or usage. */
@Command(name = "floor", mixinStandardHelpOptions = true, version = "floor 1.0",
        description = "The least a picocli command line costs.")
public final class VersionFloor implements Runnable {
    @Override
    public void run() {
        // Nothing: --version and --help are answered by picocli itself.
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new VersionFloor()).execute(args));
    }
}

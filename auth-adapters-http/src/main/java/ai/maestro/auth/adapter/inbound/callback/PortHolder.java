package ai.maestro.auth.adapter.inbound.callback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which process listens on a loopback port, as Linux tells it: the socket's inode from
 * {@code /proc/net/tcp[6]}, then the process whose file descriptors hold that socket. Elsewhere, or
 * without permission to look, empty (the message then says how to find it).
 */
public final class PortHolder {
    private PortHolder() {
    }

    /** "process 1234 (python3)", when the OS tells. */
    public static Optional<String> describe(int port) {
        try {
            Optional<String> inode = listeningInode(port);
            if (inode.isEmpty()) {
                return Optional.empty();
            }
            String socket = "socket:[" + inode.get() + "]";
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    if (holds(process, socket)) {
                        return Optional.of("process " + process.getFileName() + " (" + name(process) + ")");
                    }
                }
            }
        } catch (IOException | RuntimeException unavailable) {
            // Not Linux, or not allowed to look.
        }
        return Optional.empty();
    }

    /** How a user finds the holder when we could not. */
    public static String howToFind(int port) {
        return "find it with: lsof -iTCP:" + port + " -sTCP:LISTEN";
    }

    private static Optional<String> listeningInode(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] fields = line.trim().split("\\s+");
                // sl local_address rem_address st ... inode (field 9); 0A is LISTEN.
                if (fields.length > 9 && fields[1].endsWith(hexPort) && "0A".equals(fields[3])) {
                    return Optional.of(fields[9]);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean holds(Path process, String socket) {
        try (Stream<Path> descriptors = Files.list(process.resolve("fd"))) {
            return descriptors.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(socket);
                } catch (IOException | UnsupportedOperationException gone) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException notAllowed) {
            return false;
        }
    }

    private static String name(Path process) {
        try {
            return Files.readString(process.resolve("comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}

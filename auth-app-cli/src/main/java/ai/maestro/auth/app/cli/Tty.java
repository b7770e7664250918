package ai.maestro.auth.app.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The controlling terminal, through stty (POSIX); every call is bounded and failure means "no terminal". */
final class Tty {
    private Tty() {
    }

    /** Switches to byte-at-a-time input without echo; returns the settings to restore, or null. */
    static String enterByteMode() {
        String saved = stty("-g");
        if (saved == null || saved.isBlank()) {
            return null;
        }
        return stty("-icanon", "-echo", "min", "1", "time", "0") == null ? null : saved.trim();
    }

    static void restore(String saved) {
        stty(saved);
    }

    static java.util.OptionalInt columns() {
        String size = stty("size");
        if (size != null) {
            String[] parts = size.trim().split("\\s+");
            if (parts.length == 2 && parts[1].matches("\\d{1,4}") && Integer.parseInt(parts[1]) > 0) {
                return java.util.OptionalInt.of(Integer.parseInt(parts[1]));
            }
        }
        return java.util.OptionalInt.empty();
    }

    private static String stty(String... args) {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return null;
        }
        List<String> command = new java.util.ArrayList<>(List.of("stty"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

package ai.maestro.auth.adapter.inbound.callback;

import ai.maestro.auth.domain.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The waiting login's cancel secret, kept readable by its owner only (0600) in the data directory, so
 * that a later {@code login --cancel-previous} of the same user, and nobody else, can end a stale login.
 */
public record CancelSecretFile(Path file) {
    public CancelSecretFile {
        if (file == null) {
            throw new IllegalArgumentException("the cancel secret file needs a path");
        }
    }

    /** The file for the receiver on {@code port}. */
    public static CancelSecretFile forPort(Path dataDirectory, int port) {
        return new CancelSecretFile(dataDirectory.resolve("login-" + port + ".cancel"));
    }

    /** Replaces whatever a killed login left; created 0600 (never a link followed). */
    public void write(Secret secret) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, secret.reveal(), StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    }

    /** The secret of a login that may still be waiting; empty when there is none or it cannot be read. */
    public Optional<Secret> read() {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Secret.of(text));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Removes the file when the login that wrote it ends, unless a newer login (which cancelled this
     * one) has replaced it already; a failure leaves a secret that opens nothing.
     */
    public void deleteIfStill(Secret own) {
        try {
            if (read().filter(own::equals).isPresent()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // A stale secret matches no receiver.
        }
    }
}

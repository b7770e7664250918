package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operating system's keyring (Secret Service over D-Bus on Linux, Keychain on macOS, Credential
 * Manager on Windows) through java-keyring: one entry per data directory, service
 * {@code maestro-auth}, account the directory's canonical path, value the key as {@code id:base64}.
 * Every call has a deadline: a locked keyring that waits for a password prompt nobody sees is an
 * answer ("unlock it or choose the file"), never a hang.
 */
final class OsKeyring {
    static final String SERVICE = "maestro-auth";
    /** A keyring answers in milliseconds; a prompt waiting for a password does not. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private final String account;
    private final Map<String, String> env;

    OsKeyring(Path dataDirectory, Map<String, String> env) {
        this.account = canonical(dataDirectory);
        this.env = env;
    }

    private static String canonical(Path directory) {
        try {
            return directory.toRealPath().toString();
        } catch (java.io.IOException notYet) {
            return directory.toAbsolutePath().normalize().toString();
        }
    }

    /** The entry's name, for messages: never its value. */
    String entry() {
        return "service " + SERVICE + ", account " + account;
    }

    String account() {
        return account;
    }

    /** Why no keyring can answer here, before trying one; empty when one may. */
    Optional<String> cannotAnswer() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux") || os.contains("bsd")) {
            String bus = env.getOrDefault("DBUS_SESSION_BUS_ADDRESS", System.getenv("DBUS_SESSION_BUS_ADDRESS"));
            if ((bus == null || bus.isBlank()) && !Files.exists(Path.of("/run/user", uid(), "bus"))) {
                return Optional.of("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set: an SSH session, a"
                        + " container or a service)");
            }
        }
        return Optional.empty();
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of(System.getProperty("user.home")), "unix:uid"));
        } catch (java.io.IOException | RuntimeException unknown) {
            return "0";
        }
    }

    /** The key text stored for this data directory; empty when there is no entry. */
    Optional<String> read() {
        return call("read", keyring -> {
            try {
                String value = keyring.getPassword(SERVICE, account);
                return Optional.ofNullable(value).filter(v -> !v.isBlank());
            } catch (PasswordAccessException missing) {
                return Optional.<String>empty();
            }
        });
    }

    void write(String keyText) {
        call("write", keyring -> {
            keyring.setPassword(SERVICE, account, keyText);
            return null;
        });
    }

    /** Deletes the entry; false when there was none. */
    boolean delete() {
        return call("delete", keyring -> {
            try {
                keyring.deletePassword(SERVICE, account);
                return true;
            } catch (PasswordAccessException missing) {
                return false;
            }
        });
    }

    /** What is done with an open keyring. */
    private interface KeyringWork<T> {
        T on(Keyring keyring) throws Exception;
    }

    /**
     * Runs {@code work} on a daemon thread, so that a keyring stuck on a prompt is abandoned at the deadline,
     * over a connection closed before the result is returned: a D-Bus connection left open keeps its reader
     * thread in a native read, and the JVM waits 300 ms at exit for such a thread before it ends the process.
     */
    private <T> T call(String what, KeyringWork<T> work) {
        FutureTask<T> task = new FutureTask<>(() -> {
            Keyring keyring = Keyring.create();
            try {
                return work.on(keyring);
            } finally {
                try {
                    keyring.close();
                } catch (Exception closing) {
                    // The answer stands; the connection ends with the process.
                }
            }
        });
        Thread thread = new Thread(task, "maestro-auth-keyring");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw unavailable("did not answer within " + DEADLINE.toSeconds() + " s (is it locked, waiting for a"
                    + " password prompt?)", e);
        } catch (ExecutionException e) {
            // A locked collection makes the library fail without saying why (a NullPointerException): the
            // question is all there is to say; a library's own words are passed on, never a Java class name.
            Throwable cause = e.getCause();
            String message = cause instanceof NullPointerException || cause.getMessage() == null ? ""
                    : cause.getMessage().strip().replaceAll("\\s+", " ");
            String said = message.isEmpty() ? "" : " It said: " + message;
            throw unavailable("could not " + what + " the key (is it locked?" + said + ")", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("was interrupted", e);
        }
    }

    static CredentialStoreException unavailable(String why, Throwable cause) {
        return new CredentialStoreException("The operating system's keyring " + why + ".", null,
                "Unlock it (log in to the desktop, or `gnome-keyring-daemon --unlock`), or set"
                        + " MAESTRO_AUTH_KEY_STORE=file to keep the key in a file in the data directory.", cause);
    }

    /** No keyring can answer here at all: there is nothing to unlock. */
    static CredentialStoreException unreachable(String why) {
        return new CredentialStoreException("The operating system's keyring cannot be reached: " + why + ".", null,
                "Run where a desktop session's keyring answers, or set MAESTRO_AUTH_KEY_STORE=file to keep the key"
                        + " in a file in the data directory.", null);
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the encryption key lives and why there: {@code status} and {@code config} say it, so that
 * a fallback from the keyring to a file is never silent.
 *
 * @param kind the environment, a file in the data directory, or the operating system's keyring
 * @param where the file's path or the keyring entry's name (never the key)
 * @param why one line: the setting, or why the keyring was not used
 */
public record KeySource(Kind kind, String where, String why) {
    public static final String VARIABLE = "MAESTRO_AUTH_KEY_STORE";

    public enum Kind { ENVIRONMENT, FILE, KEYRING }

    /** The setting: {@code auto} (the keyring when one answers, else the file), {@code keyring} or {@code file}. */
    public enum Setting {
        AUTO, KEYRING, FILE;

        /** Empty for a value that is none of the three (a configuration problem). */
        public static Optional<Setting> from(Map<String, String> env) {
            String value = env.get(VARIABLE);
            if (value == null || value.isBlank()) {
                return Optional.of(AUTO);
            }
            try {
                return Optional.of(valueOf(value.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException unknown) {
                return Optional.empty();
            }
        }
    }

    public KeySource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(why, "why");
    }

    /** One line for people: "the operating system's keyring (service maestro-auth, account /home/ada/.maestro-auth): ...". */
    public String describe() {
        return switch (kind) {
            case ENVIRONMENT -> "MAESTRO_AUTH_ENCRYPTION_KEY (" + why + ")";
            case FILE -> where + " (" + why + ")";
            case KEYRING -> "the operating system's keyring, " + where + " (" + why + ")";
        };
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where credentials live. With no JDBC URL, an H2 file database in the data directory
 * ({@code $MAESTRO_AUTH_HOME}, default {@code ~/.maestro-auth}); with one, that database (PostgreSQL).
 */
public record PersistenceSettings(Path dataDirectory, Optional<String> jdbcUrl, String user, String password,
                                  String machine) {
    public static final String HOME = "MAESTRO_AUTH_HOME";
    public static final String DB_URL = "MAESTRO_AUTH_DB_URL";
    public static final String DB_USER = "MAESTRO_AUTH_DB_USER";
    public static final String DB_PASSWORD = "MAESTRO_AUTH_DB_PASSWORD";
    /**
     * This machine's name among those sharing a PostgreSQL store (default: the host name): a refresh
     * lease left by a dead process of the same machine is taken over at once. Set it where several
     * machines (containers) share a host name and a network address.
     */
    public static final String MACHINE = "MAESTRO_AUTH_MACHINE_NAME";

    public PersistenceSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        machine = machine == null ? "" : machine.strip();
    }

    public PersistenceSettings(Path dataDirectory, Optional<String> jdbcUrl, String user, String password) {
        this(dataDirectory, jdbcUrl, user, password, null);
    }

    /** {@link #machine()}, or this host's name when none is set: read only by a PostgreSQL store. */
    public String machineName() {
        return machine.isEmpty() ? hostName() : machine;
    }

    private static String hostName() {
        try {
            String name = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (java.io.IOException | RuntimeException notLinux) {
            // Elsewhere the environment names the machine, or nothing does.
        }
        return System.getenv().getOrDefault("COMPUTERNAME", System.getenv().getOrDefault("HOSTNAME", ""));
    }

    public static PersistenceSettings fromEnvironment(Map<String, String> env) {
        String home = env.get(HOME);
        Path directory = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".maestro-auth");
        String url = env.get(DB_URL);
        return new PersistenceSettings(directory.toAbsolutePath(),
                url == null || url.isBlank() ? Optional.empty() : Optional.of(url.trim()),
                env.get(DB_USER), env.get(DB_PASSWORD), env.get(MACHINE));
    }

    public static PersistenceSettings embedded(Path dataDirectory) {
        return new PersistenceSettings(dataDirectory.toAbsolutePath(), Optional.empty(), "", "");
    }

    /** The H2 file (without .mv.db) used when no JDBC URL is given. */
    public Path embeddedDatabaseFile() {
        return dataDirectory.resolve("credentials");
    }

    /** Where the store is, for messages: never the password. */
    public String describe() {
        return jdbcUrl.map(url -> url.replaceAll("(?i)password=[^&;]*", "password=***"))
                .orElse(embeddedDatabaseFile() + ".mv.db (embedded H2)");
    }

    @Override
    public String toString() {
        return "PersistenceSettings[" + describe() + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + "]";
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured keys: the first encrypts, any decrypts. From {@code MAESTRO_AUTH_ENCRYPTION_KEY}
 * ({@code base64} or {@code id:base64,id:base64}), or else from a key file generated on first use.
 */
public final class EncryptionKeys {
    public static final String VARIABLE = "MAESTRO_AUTH_ENCRYPTION_KEY";
    public static final String KEY_FILE = "encryption.key";

    private final Map<String, EncryptionKey> byId = new LinkedHashMap<>();
    private final EncryptionKey primary;
    /** What is missing (the key file, the keyring entry) while the store holds rows; null when keys are at hand. */
    private final String lostKey;
    /** How to get it back, when it is lost. */
    private final String restore;
    private final KeySource source;

    public EncryptionKeys(List<EncryptionKey> keys) {
        this(keys, new KeySource(KeySource.Kind.ENVIRONMENT, VARIABLE, "given"));
    }

    EncryptionKeys(List<EncryptionKey> keys, KeySource source) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed");
        }
        keys.forEach(k -> byId.putIfAbsent(k.id(), k));
        this.primary = keys.get(0);
        this.lostKey = null;
        this.restore = null;
        this.source = source;
    }

    private EncryptionKeys(String lostKey, String restore, KeySource source) {
        this.primary = null;
        this.lostKey = lostKey;
        this.restore = restore;
        this.source = source;
    }

    /**
     * No key: the key file is gone but rows remain. Nothing is encrypted or decrypted (a new key would
     * hide the loss and strand the rows); listing and deleting rows still work.
     */
    static EncryptionKeys lost(Path keyFile) {
        return new EncryptionKeys("The key file " + keyFile, "Restore " + KEY_FILE + " from a backup",
                new KeySource(KeySource.Kind.FILE, keyFile.toString(), "missing"));
    }

    /** No key: the keyring entry is gone (or never held it) while rows remain. */
    static EncryptionKeys lostInKeyring(OsKeyring keyring, String restore) {
        return new EncryptionKeys("The keyring entry (" + keyring.entry() + ")", restore,
                new KeySource(KeySource.Kind.KEYRING, keyring.entry(), "missing"));
    }

    /** The same keys, said to come from {@code from}. */
    EncryptionKeys from(KeySource from) {
        return lostKey != null ? this : new EncryptionKeys(reordered(), from);
    }

    private List<EncryptionKey> reordered() {
        List<EncryptionKey> keys = new ArrayList<>();
        keys.add(primary);
        byId.values().stream().filter(k -> k != primary).forEach(keys::add);
        return keys;
    }

    public KeySource source() {
        return source;
    }

    static boolean configuredIn(Map<String, String> env) {
        String configured = env.get(VARIABLE);
        return configured != null && !configured.isBlank();
    }

    public EncryptionKey primary() {
        if (lostKey != null) {
            throw lostKey(null, Optional.empty());
        }
        return primary;
    }

    boolean isLost() {
        return lostKey != null;
    }

    /** Why nothing can be read or written while the key file is lost, and the two ways out. */
    CredentialStoreException lostKey(String keyId, Optional<String> provider) {
        return new CredentialStoreException(lostKey + " is missing, but the store still holds "
                + "credentials" + (keyId == null ? "" : " encrypted with key '" + keyId + "'") + ".", keyId,
                restore + " (or set " + VARIABLE + " to that key), or run `maestro-auth "
                        + "logout " + provider.orElse("<provider>") + "` to delete what cannot be read, then log in again.",
                null);
    }

    public Optional<EncryptionKey> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** From the environment when set, else the key file in {@code dataDirectory} (created 0600 when absent). */
    public static EncryptionKeys load(Map<String, String> env, Path dataDirectory, SecureRandom random) {
        Map<String, String> fileOnly = new java.util.HashMap<>(env);
        fileOnly.put(KeySource.VARIABLE, "file");
        return KeyStores.keysFor(PersistenceSettings.embedded(dataDirectory), fileOnly, random, () -> false);
    }

    /**
     * Refuses a key file that group or others may read or write (a copy made 0644, an unpacked
     * backup), as ssh refuses an unprotected private key: whoever can read it reads every token.
     */
    static void requireOwnerOnly(Path file) throws IOException {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException notPosix) {
            return; // Windows: the data directory's ACL protects it
        }
        boolean exposed = permissions.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name()
                .startsWith("OTHERS_"));
        if (exposed) {
            throw new CredentialStoreException("The key file " + file + " may be read by others ("
                    + PosixFilePermissions.toString(permissions) + "), so it is not used.", null,
                    "Run `chmod 600 " + file + "` (and ask whether anyone copied it), then try again.", null);
        }
    }

    /** {@code base64} (id derived from the key) or {@code id:base64[,id:base64...]}. */
    public static EncryptionKeys parse(String text, String source) {
        List<EncryptionKey> keys = new ArrayList<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(colon < 0 ? trimmed : trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw invalid(source);
            }
            try {
                keys.add(new EncryptionKey(colon < 0 ? EncryptionKey.fingerprint(bytes) : trimmed.substring(0, colon),
                        bytes));
            } catch (IllegalArgumentException e) {
                throw invalid(source);
            }
        }
        return new EncryptionKeys(keys);
    }

    public static String generate(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return EncryptionKey.fingerprint(key) + ":" + Base64.getEncoder().encodeToString(key);
    }

    /** Writes a temporary file, then links it into place: another process sees no key file or a whole one. */
    static void create(Path file, SecureRandom random) throws IOException {
        createWith(file, generate(random));
    }

    /** As {@link #create} with the key text {@code keyText}, forced to disk before it is linked into place. */
    static void createWith(Path file, String keyText) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, keyText.trim() + "\n", StandardCharsets.UTF_8);
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException anotherProcessWon) {
            // Use the key it wrote.
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static CredentialStoreException invalid(String source) {
        // Never echo the value: it is (or was meant to be) a key.
        return new CredentialStoreException("The encryption key in " + source + " is not valid.", null,
                "Give base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`), or id:base64 pairs separated by commas.",
                null);
    }
}

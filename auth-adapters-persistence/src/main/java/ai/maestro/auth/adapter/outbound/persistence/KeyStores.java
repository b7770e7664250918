package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.adapter.outbound.persistence.KeySource.Kind;
import ai.maestro.auth.adapter.outbound.persistence.KeySource.Setting;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Finds the encryption key where {@code MAESTRO_AUTH_KEY_STORE} says (the environment's key always
 * wins), makes one for a store without rows, and moves it between the file and the keyring.
 *
 * <p>{@code auto} (the default for the embedded store): a key file that exists is used (an older
 * store, or one moved back); otherwise the keyring when one answers, otherwise a file, and the reason
 * is kept in {@link KeySource} for {@code status} and {@code config}. When the keyring fails while
 * rows remain, that is an error rather than a fallback: the key may be in it.
 */
final class KeyStores {
    /** Making or moving a key is done by one process at a time: a keyring has no create-if-absent. */
    private static final String LOCK = "key.lock";
    private static final Duration LOCK_WAIT = Duration.ofSeconds(20);

    private KeyStores() {
    }

    static EncryptionKeys keysFor(PersistenceSettings settings, Map<String, String> env, SecureRandom random,
                                  BooleanSupplier hasRows) {
        if (EncryptionKeys.configuredIn(env)) {
            return EncryptionKeys.parse(env.get(EncryptionKeys.VARIABLE), EncryptionKeys.VARIABLE)
                    .from(new KeySource(Kind.ENVIRONMENT, EncryptionKeys.VARIABLE, "set; it wins over "
                            + KeySource.VARIABLE));
        }
        Path dir = settings.dataDirectory();
        Path file = dir.resolve(EncryptionKeys.KEY_FILE);
        OsKeyring keyring = new OsKeyring(dir, env);
        Setting setting = Setting.from(env).orElse(Setting.AUTO);
        return FileLocks.withLock(dir.resolve(LOCK), LOCK_WAIT, "the encryption key", () -> switch (setting) {
            case FILE -> fileKeys(file, random, hasRows, KeySource.VARIABLE + "=file");
            case KEYRING -> keyringKeys(keyring, file, random, hasRows, KeySource.VARIABLE + "=keyring");
            case AUTO -> auto(settings, keyring, file, random, hasRows);
        });
    }

    private static EncryptionKeys auto(PersistenceSettings settings, OsKeyring keyring, Path file, SecureRandom random,
                                       BooleanSupplier hasRows) {
        if (settings.jdbcUrl().isPresent()) {
            return fileKeys(file, random, hasRows, "a PostgreSQL store: give every machine the same "
                    + EncryptionKeys.VARIABLE);
        }
        Optional<String> cannot = keyring.cannotAnswer();
        if (Files.exists(file)) {
            return fileKeys(file, random, hasRows, cannot.map(r -> "it exists, and no keyring answers here: " + r)
                    .orElse("it exists; `maestro-auth rekey --key-store keyring` moves it into the keyring"));
        }
        if (cannot.isPresent()) {
            return fileKeys(file, random, hasRows, "no keyring answers: " + cannot.get());
        }
        try {
            return keyringKeys(keyring, file, random, hasRows, "auto: the keyring answered");
        } catch (CredentialStoreException failed) {
            if (failed.keyId().isPresent() || hasRows.getAsBoolean()) {
                throw failed; // the key may well be in it: no new key elsewhere
            }
            return fileKeys(file, random, hasRows, "the keyring failed: " + failed.getMessage()
                    .replaceFirst("^The operating system's keyring ", "").replaceFirst("\\. .*$", ""));
        }
    }

    private static EncryptionKeys fileKeys(Path file, SecureRandom random, BooleanSupplier hasRows, String why) {
        if (!Files.exists(file) && hasRows.getAsBoolean()) {
            return EncryptionKeys.lost(file);
        }
        try {
            if (!Files.exists(file)) {
                EncryptionKeys.create(file, random);
            }
            return readFile(file).from(new KeySource(Kind.FILE, file.toString(), why));
        } catch (IOException e) {
            throw new CredentialStoreException("The encryption key file " + file + " cannot be read or created.",
                    null, "Check the permissions of " + file.getParent() + ", or set " + EncryptionKeys.VARIABLE
                    + ".", e);
        }
    }

    private static EncryptionKeys readFile(Path file) throws IOException {
        EncryptionKeys.requireOwnerOnly(file);
        return EncryptionKeys.parse(Files.readString(file, StandardCharsets.UTF_8).trim(), file.toString());
    }

    private static EncryptionKeys keyringKeys(OsKeyring keyring, Path file, SecureRandom random,
                                              BooleanSupplier hasRows, String why) {
        keyring.cannotAnswer().ifPresent(reason -> {
            throw OsKeyring.unreachable(reason);
        });
        KeySource source = new KeySource(Kind.KEYRING, keyring.entry(), why);
        Optional<String> stored = keyring.read();
        if (stored.isPresent()) {
            return EncryptionKeys.parse(stored.get(), "the keyring entry (" + keyring.entry() + ")").from(source);
        }
        if (Files.exists(file)) {
            throw new CredentialStoreException("The encryption key is in " + file + ", not in the keyring.", null,
                    "Run `maestro-auth rekey --key-store keyring` to move it there, or set " + KeySource.VARIABLE
                            + "=file.", null);
        }
        if (hasRows.getAsBoolean()) {
            return EncryptionKeys.lostInKeyring(keyring, "Restore the keyring entry (" + keyring.entry() + ")");
        }
        String made = EncryptionKeys.generate(random);
        keyring.write(made);
        String back = keyring.read().orElseThrow(() -> OsKeyring.unavailable("did not keep the new key", null));
        return EncryptionKeys.parse(back, "the keyring entry (" + keyring.entry() + ")").from(source);
    }

    /** Where the key would be found or made, without asking the keyring anything: for {@code config}. */
    static String predict(PersistenceSettings settings, Map<String, String> env) {
        if (EncryptionKeys.configuredIn(env)) {
            return "the key in " + EncryptionKeys.VARIABLE + " (it wins over " + KeySource.VARIABLE + ")";
        }
        Path file = settings.dataDirectory().resolve(EncryptionKeys.KEY_FILE);
        OsKeyring keyring = new OsKeyring(settings.dataDirectory(), env);
        Optional<String> cannot = keyring.cannotAnswer();
        String inKeyring = "the keyring (" + keyring.entry() + ")";
        return switch (Setting.from(env).orElse(Setting.AUTO)) {
            case FILE -> file + " (file)";
            case KEYRING -> inKeyring + cannot.map(r -> "; but no keyring answers: " + r).orElse("");
            case AUTO -> settings.jdbcUrl().isPresent() ? file + " (file: a PostgreSQL store; give every machine"
                    + " the same " + EncryptionKeys.VARIABLE + ")"
                    : Files.exists(file) ? file + " (auto: the file exists; `maestro-auth rekey --key-store keyring`"
                    + " moves it)"
                    : cannot.map(r -> file + " (auto: no keyring answers: " + r + ")")
                    .orElse(inKeyring + " (auto; a file if the keyring fails while nothing is stored)");
        };
    }

    /**
     * Moves the key to {@code target}: the new place holds it and a stored row decrypts with it before
     * the old copy is removed, so a kill at any step leaves a store that opens ({@code auto} prefers
     * the file while both exist, and both hold the same key). Returns what was done, one line.
     *
     * @param decrypts opens the store with the given keys and reads a row, throwing when it does not decrypt
     */
    static String move(PersistenceSettings settings, Map<String, String> env, Kind target,
                       java.util.function.Consumer<EncryptionKeys> decrypts) {
        if (EncryptionKeys.configuredIn(env)) {
            throw new CredentialStoreException("The key comes from " + EncryptionKeys.VARIABLE + ", not from a file"
                    + " or the keyring.", null, "Unset it to keep the key in the keyring or a file.", null);
        }
        Path dir = settings.dataDirectory();
        Path file = dir.resolve(EncryptionKeys.KEY_FILE);
        OsKeyring keyring = new OsKeyring(dir, env);
        keyring.cannotAnswer().ifPresent(reason -> {
            throw OsKeyring.unreachable(reason);
        });
        return FileLocks.withLock(dir.resolve(LOCK), LOCK_WAIT, "the encryption key", () -> {
            try {
                return target == Kind.KEYRING ? intoKeyring(keyring, file, decrypts)
                        : intoFile(keyring, file, decrypts);
            } catch (IOException e) {
                throw new CredentialStoreException("The key file " + file + " cannot be used: "
                        + e.getClass().getSimpleName() + ".", null, "Check the permissions of " + dir
                        + "; nothing was moved.", e);
            }
        });
    }

    private static String intoKeyring(OsKeyring keyring, Path file, java.util.function.Consumer<EncryptionKeys> decrypts)
            throws IOException {
        if (!Files.exists(file)) {
            if (keyring.read().isPresent()) {
                return "The encryption key is already in the keyring (" + keyring.entry() + ").";
            }
            throw new CredentialStoreException("There is no key file " + file + " to move.", null,
                    "Nothing was changed.", null);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        readFile(file);
        keyring.write(text);
        String back = keyring.read().orElse("");
        if (!back.equals(text)) {
            throw OsKeyring.unavailable("did not keep the key (the file is kept)", null);
        }
        decrypts.accept(EncryptionKeys.parse(back, "the keyring entry"));
        Files.delete(file);
        return "Moved the encryption key into the keyring (" + keyring.entry() + "); " + file + " is deleted.";
    }

    private static String intoFile(OsKeyring keyring, Path file, java.util.function.Consumer<EncryptionKeys> decrypts)
            throws IOException {
        Optional<String> stored = keyring.read();
        if (stored.isEmpty()) {
            if (Files.exists(file)) {
                return "The encryption key is already in " + file + ".";
            }
            throw new CredentialStoreException("The keyring holds no key for this data directory ("
                    + keyring.entry() + ").", null, "Nothing was changed.", null);
        }
        if (!Files.exists(file)) {
            EncryptionKeys.createWith(file, stored.get());
        }
        EncryptionKeys fromFile = readFile(file);
        decrypts.accept(fromFile);
        if (!Files.readString(file, StandardCharsets.UTF_8).trim().equals(stored.get().trim())) {
            throw new CredentialStoreException("A different key file " + file + " is already there.", null,
                    "Nothing was deleted: move one of them away, then try again.", null);
        }
        keyring.delete();
        return "Moved the encryption key into " + file + " (0600); the keyring entry is deleted.";
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionKeysTest {
    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aBareKeyGetsAnIdDerivedFromIt() {
        EncryptionKeys keys = EncryptionKeys.parse(KEY_A, "env");
        assertTrue(keys.primary().id().matches("k[0-9a-f]{8}"));
        assertEquals(keys.primary().id(), EncryptionKeys.parse(KEY_A, "env").primary().id());
    }

    @Test
    void severalKeysEncryptWithTheFirstAndDecryptWithAny() {
        EncryptionKeys keys = EncryptionKeys.parse("new:" + KEY_B + ", old:" + KEY_A, "env");
        assertEquals("new", keys.primary().id());
        assertEquals(List.of("new", "old"), keys.ids());
        assertTrue(keys.byId("old").isPresent());
    }

    @Test
    void anInvalidKeyIsATypedErrorThatDoesNotEchoIt() {
        for (String bad : List.of("not base64!!", Base64.getEncoder().encodeToString(new byte[16]), "bad id:" + KEY_A)) {
            CredentialStoreException error = assertThrows(CredentialStoreException.class,
                    () -> EncryptionKeys.parse(bad, EncryptionKeys.VARIABLE));
            assertFalse(error.getMessage().contains(bad), error.getMessage());
            assertTrue(error.getMessage().contains(EncryptionKeys.VARIABLE));
        }
    }

    @Test
    void theEnvironmentWinsOverTheKeyFile(@TempDir Path home) {
        EncryptionKeys fromEnv = EncryptionKeys.load(Map.of(EncryptionKeys.VARIABLE, "env:" + KEY_A), home,
                new SecureRandom());
        assertEquals("env", fromEnv.primary().id());
        assertFalse(home.resolve(EncryptionKeys.KEY_FILE).toFile().exists());
    }

    @Test
    void anUnreachableDatabaseIsATypedErrorWithoutThePassword() {
        PersistenceSettings settings = new PersistenceSettings(Path.of("target"),
                Optional.of("jdbc:postgresql://127.0.0.1:1/none?password=hunter2"), "u", "hunter2");
        CredentialStoreException error = assertThrows(CredentialStoreException.class,
                () -> CredentialStores.open(settings, EncryptionKeys.parse(KEY_A, "env"), new SecureRandom()).list());
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
        assertTrue(error.getMessage().contains("127.0.0.1:1"), error.getMessage());
        assertFalse(settings.toString().contains("hunter2"));
    }
}

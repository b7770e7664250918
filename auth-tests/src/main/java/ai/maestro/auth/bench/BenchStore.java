package ai.maestro.auth.bench;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStores;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A new embedded store holding one OpenAI sign-in valid for a day; the environment that opens it. */
final class BenchStore {
    private BenchStore() {
    }

    /** {@code MAESTRO_AUTH_HOME} and {@code MAESTRO_AUTH_ENCRYPTION_KEY} of the new store. */
    static Map<String, String> withOneSignIn(String account) throws IOException {
        var home = Files.createTempDirectory("maestro-auth-bench");
        SecureRandom random = new SecureRandom();
        String key = EncryptionKeys.generate(random);
        Instant now = Instant.now();
        OAuthToken token = new OAuthToken(Secret.of("a".repeat(1400)), Optional.of(Secret.of("r".repeat(60))),
                Optional.empty(), "Bearer", List.of("openid"), Optional.of(now.plus(Duration.ofDays(1))), now);
        CredentialStores.open(PersistenceSettings.embedded(home), EncryptionKeys.parse(key, "bench"), random)
                .save(SavedAuthentication.fresh(CredentialKey.oauth(ProviderId.OPENAI, account), token, now));
        return Map.of("MAESTRO_AUTH_HOME", home.toString(), "MAESTRO_AUTH_ENCRYPTION_KEY", key);
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Helpers shared by the store tests: keys, tokens and a private PostgreSQL schema per test. */
final class TestStores {
    static final String PG_URL = "MAESTRO_AUTH_TEST_PG_URL";
    static final String PG_USER = "MAESTRO_AUTH_TEST_PG_USER";
    static final SecureRandom RANDOM = new SecureRandom();
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private TestStores() {
    }

    static EncryptionKey key(String id) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new EncryptionKey(id, bytes);
    }

    static EncryptionKeys keys(EncryptionKey... keys) {
        return new EncryptionKeys(List.of(keys));
    }

    static OAuthToken token(String access, String refresh) {
        return new OAuthToken(Secret.of(access), Optional.of(Secret.of(refresh)), Optional.empty(), "Bearer",
                List.of("openid", "offline_access"), Optional.of(NOW.plusSeconds(3600)), NOW);
    }

    static SavedAuthentication fresh(ProviderId provider, OAuthToken token) {
        return SavedAuthentication.fresh(row(provider, AuthType.OAUTH), token, NOW);
    }

    /** The test's one account of {@code provider}, as a credential key of {@code authType}. */
    static CredentialKey row(ProviderId provider, AuthType authType) {
        return new CredentialKey(provider, "acct-" + provider.cliName(), authType);
    }

    /** A new schema on the PostgreSQL server the environment names; skips the test when none is named. */
    static PersistenceSettings postgresSchema() throws SQLException {
        String url = System.getenv(PG_URL);
        if (url == null || url.isBlank()) {
            // On the console too: surefire shows an assumption's reason only in its XML report.
            String reason = "PostgreSQL tests skipped: set " + PG_URL + " (e.g. jdbc:postgresql://127.0.0.1:5432/test);"
                    + " CI sets it";
            System.err.println("SKIPPED " + reason);
            Assumptions.abort(reason);
        }
        String user = System.getenv().getOrDefault(PG_USER, "postgres");
        String schema = ai.maestro.auth.testing.PostgresSchemas.create(url, user, "maestro_test_");
        String withSchema = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new PersistenceSettings(java.nio.file.Path.of("target"), Optional.of(withSchema), user, "");
    }
}

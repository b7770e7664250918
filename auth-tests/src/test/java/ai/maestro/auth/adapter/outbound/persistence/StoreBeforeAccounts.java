package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Writes a store as the release before accounts left it, for end-to-end tests of the migration: the
 * schema of versions 1 to 3 (their own scripts) and one OpenAI sign-in row sealed with (provider,
 * auth type) as its identity, in the embedded database of {@code dataDirectory}.
 */
public final class StoreBeforeAccounts {
    private StoreBeforeAccounts() {
    }

    public static void write(Path dataDirectory, Map<String, String> env, OAuthToken token) {
        SecureRandom random = new SecureRandom();
        EncryptionKeys keys = EncryptionKeys.load(env, dataDirectory, random);
        // Opening is lazy: nothing is migrated until the first operation, which this never runs.
        JdbiCredentialStore store = CredentialStores.open(PersistenceSettings.embedded(dataDirectory), keys, random);
        byte[] sealed = new CredentialCipher(keys, random).encryptLegacy(ProviderId.OPENAI, AuthType.OAUTH, 1,
                new CredentialCodec(new com.fasterxml.jackson.core.JsonFactory()).encode(token));
        Instant now = Instant.now();
        store.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE maestro_auth_schema_version (version INT NOT NULL PRIMARY KEY,"
                    + " script VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP"
                    + " NOT NULL)");
            for (int version = 1; version <= 3; version++) {
                String script = Migrations.SCRIPTS.get(version - 1);
                for (String statement : read(script).split(";")) {
                    if (!statement.isBlank()) {
                        h.execute(statement);
                    }
                }
                h.execute("INSERT INTO maestro_auth_schema_version (version, script) VALUES (?, ?)", version, script);
            }
            h.createUpdate("INSERT INTO saved_authentications (provider, auth_type, credentials, key_id, expires_at,"
                            + " created_at, updated_at, version) VALUES ('OPENAI', 'OAUTH', :c, :k, :e, :t, :t, 1)")
                    .bind("c", sealed).bind("k", CredentialCipher.keyIdOf(sealed))
                    .bind("e", token.expiresAt().orElseThrow().atOffset(ZoneOffset.UTC))
                    .bind("t", now.atOffset(ZoneOffset.UTC)).execute();
        });
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^\\s*--.*$", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

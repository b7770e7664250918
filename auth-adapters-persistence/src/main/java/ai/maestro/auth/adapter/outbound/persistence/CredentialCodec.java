package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.Secret;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The plaintext that goes into the cipher: a credential as a small, versioned JSON document. */
final class CredentialCodec {
    private final ObjectMapper mapper;

    CredentialCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The row's credential encoded and encrypted for its (provider, account, auth type); the plaintext is wiped. */
    byte[] seal(CredentialCipher cipher, ai.maestro.auth.domain.SavedAuthentication row) {
        byte[] plaintext = encode(row.credential());
        try {
            // Sealed for the version the row will have once saved over row.version().
            return cipher.encrypt(row.key(), row.version() + 1, plaintext);
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
    }

    byte[] encode(Credential credential) {
        ObjectNode node = mapper.createObjectNode().put("v", 1);
        if (credential instanceof OAuthToken token) {
            node.put("type", "oauth")
                    .put("access_token", token.accessToken().reveal())
                    .put("token_type", token.tokenType())
                    .put("obtained_at", token.obtainedAt().toEpochMilli());
            token.refreshToken().ifPresent(r -> node.put("refresh_token", r.reveal()));
            token.idToken().ifPresent(i -> node.put("id_token", i.reveal()));
            token.expiresAt().ifPresent(e -> node.put("expires_at", e.toEpochMilli()));
            token.scope().forEach(node.putArray("scope")::add);
        } else if (credential instanceof ApiKey key) {
            node.put("type", "api_key").put("key", key.key().reveal()).put("obtained_at", key.obtainedAt().toEpochMilli());
        }
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Throws IOException for anything that is not a document {@link #encode} wrote. */
    Credential decode(byte[] bytes) throws IOException {
        JsonNode node = mapper.readTree(bytes);
        if (node == null || node.path("v").asInt() != 1) {
            throw new IOException("unknown credential document version");
        }
        Instant obtained = Instant.ofEpochMilli(node.path("obtained_at").asLong());
        switch (node.path("type").asText()) {
            case "oauth": {
                List<String> scope = new ArrayList<>();
                node.path("scope").forEach(s -> scope.add(s.asText()));
                Optional<Secret> idToken = optionalSecret(node, "id_token");
                return new OAuthToken(Secret.of(node.path("access_token").asText()),
                        optionalSecret(node, "refresh_token"), idToken,
                        node.path("token_type").asText("Bearer"), scope,
                        node.hasNonNull("expires_at")
                                ? Optional.of(Instant.ofEpochMilli(node.path("expires_at").asLong())) : Optional.empty(),
                        obtained, idToken.flatMap(token -> idTokenClaims(token.reveal())));
            }
            case "api_key":
                return new ApiKey(Secret.of(node.path("key").asText()), obtained);
            default:
                throw new IOException("unknown credential type");
        }
    }

    private static Optional<Secret> optionalSecret(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(Secret.of(node.path(field).asText())) : Optional.empty();
    }

    /**
     * The claims of a stored id_token, read with Jackson as the token endpoint adapter reads them when
     * the token arrives: for display and the account's id, never for an authorization decision.
     */
    private Optional<IdTokenClaims> idTokenClaims(String idToken) {
        int first = idToken.indexOf('.');
        int last = idToken.lastIndexOf('.');
        if (first < 0 || last <= first) {
            return Optional.empty();
        }
        try {
            JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(idToken.substring(first + 1, last)));
            if (claims == null || !claims.isObject()) {
                return Optional.empty();
            }
            JsonNode openai = claims.path("https://api.openai.com/auth");
            JsonNode exp = claims.path("exp");
            return Optional.of(new IdTokenClaims(text(claims.path("email")),
                    exp.isNumber() && exp.asLong() > 0 && exp.asLong() <= 253_402_300_799L
                            ? Instant.ofEpochSecond(exp.asLong()) : null,
                    text(openai.path("chatgpt_account_id")), text(openai.path("chatgpt_plan_type"))));
        } catch (IllegalArgumentException | IOException notAJwt) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}

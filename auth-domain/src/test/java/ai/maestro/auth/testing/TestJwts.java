package ai.maestro.auth.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds unsigned JWT-shaped tokens for tests. */
public final class TestJwts {
    private TestJwts() {
    }

    public static String withPayload(String payloadJson) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + encoder.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    public static String openAiIdToken(String email, long exp, String accountId, String plan) {
        return withPayload("{\"email\":\"" + email + "\",\"exp\":" + exp
                + ",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"" + accountId
                + "\",\"chatgpt_plan_type\":\"" + plan + "\"}}");
    }

    /** What the HTTP adapter decodes from {@link #openAiIdToken}: the claims the domain gets. */
    public static ai.maestro.auth.domain.IdTokenClaims openAiClaims(String email, long exp, String accountId,
                                                                    String plan) {
        return new ai.maestro.auth.domain.IdTokenClaims(email, java.time.Instant.ofEpochSecond(exp), accountId, plan);
    }

    /** A token endpoint answer with an OpenAI id_token, as the HTTP adapter hands it over (claims decoded). */
    public static ai.maestro.auth.domain.token.TokenResponse openAiAnswer(java.util.Map<String, Object> fields, String email,
                                                                    long exp, String accountId, String plan) {
        java.util.Map<String, Object> all = new java.util.HashMap<>(fields);
        all.put("id_token", openAiIdToken(email, exp, accountId, plan));
        return new ai.maestro.auth.domain.token.TokenResponse(all,
                java.util.Optional.of(openAiClaims(email, exp, accountId, plan)), java.util.Optional.empty());
    }
}

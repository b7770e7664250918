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
}

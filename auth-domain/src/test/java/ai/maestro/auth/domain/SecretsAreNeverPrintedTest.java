package ai.maestro.auth.domain;

import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackResult;
import ai.maestro.auth.domain.token.TokenResponse;

import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.maestro.auth.testing.TestJwts;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretsAreNeverPrintedTest {
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String STATE = "state-value-that-must-stay-hidden-000000000";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void noSecretBearingTypeShowsItsSecretInToString() {
        String idToken = TestJwts.openAiIdToken("a@b.c", 1, "x", "y");
        OAuthToken token = new TokenResponse(Map.of("access_token", "ACCESS-SECRET", "refresh_token", "REFRESH-SECRET",
                "id_token", idToken, "expires_in", 60)).validate(NOW);
        AuthorizationSession session = new AuthorizationSession(ProviderId.OPENAI, State.of(STATE),
                PkceParams.fromVerifier(VERIFIER), URI.create("http://localhost:1455/auth/callback"), NOW,
                NOW.plusSeconds(60));
        ApiKey apiKey = new ApiKey(Secret.of("sk-API-SECRET"), NOW);
        SavedAuthentication saved = new SavedAuthentication(CredentialKey.oauth(ProviderId.OPENAI, "acct-1"), token, NOW, NOW, 1, Optional.empty());

        Map<Object, List<String>> printed = Map.of(
                Secret.of("PLAIN-SECRET"), List.of("PLAIN-SECRET"),
                PkceParams.fromVerifier(VERIFIER), List.of(VERIFIER),
                State.of(STATE), List.of(STATE),
                AuthorizationCode.of("CODE-SECRET"), List.of("CODE-SECRET"),
                session, List.of(VERIFIER, STATE),
                token, List.of("ACCESS-SECRET", "REFRESH-SECRET", idToken),
                saved, List.of("ACCESS-SECRET", "REFRESH-SECRET", idToken),
                apiKey, List.of("sk-API-SECRET"),
                new CallbackResult.Authorized(AuthorizationCode.of("CODE-SECRET")), List.of("CODE-SECRET"));

        printed.forEach((value, secrets) -> {
            String text = value.toString();
            for (String secret : secrets) {
                assertFalse(text.contains(secret), value.getClass().getSimpleName() + " printed a secret: " + text);
            }
        });
    }
}

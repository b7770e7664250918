package ai.maestro.auth.application.service;

import ai.maestro.auth.domain.error.TokenEndpointErrors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import ai.maestro.auth.testing.InMemoryCredentialStore;
import ai.maestro.auth.testing.ScriptedTokenEndpoint;
import ai.maestro.auth.testing.TestJwts;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OAuthServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    private final ScriptedTokenEndpoint endpoint = new ScriptedTokenEndpoint().answering(() -> TestJwts.openAiAnswer(Map.of(
            "access_token", "at-1", "refresh_token", "rt-1", "expires_in", 3600),
            "ada@example.com", 1_900_000_000L, "acct", "plus"));
    private final OAuthService service = new OAuthService(ProviderConfigs.defaults(), endpoint, store, store,
            Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom(), Duration.ofMinutes(5));
    private final AccessTokenService tokens = new AccessTokenService(ProviderConfigs.defaults(), endpoint, store, store,
            store, store, store, Clock.fixed(NOW, ZoneOffset.UTC), TokenLifecyclePolicy.defaults()
            .withoutBackgroundRefresh(), ai.maestro.auth.application.port.outbound.AuthEvents.none());
    private final TokenService apiKeys = new TokenService(service, tokens, store, endpoint, Clock.fixed(NOW,
            ZoneOffset.UTC));
    private final SignOutService signOut = new SignOutService(service, store, tokens,
            ai.maestro.auth.application.port.outbound.AuthEvents.none());

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " missing");
    }

    @Test
    void startLoginGivesAFreshSessionAndItsUrl() {
        OAuthService.LoginAttempt first = service.startLogin(ProviderId.OPENAI);
        OAuthService.LoginAttempt second = service.startLogin(ProviderId.OPENAI);

        assertEquals(first.session().state().value(), query(first.request().uri(), "state"));
        assertEquals(first.session().pkce().codeChallenge(), query(first.request().uri(), "code_challenge"));
        assertFalse(first.session().state().equals(second.session().state()));
        assertEquals(NOW.plus(Duration.ofMinutes(5)), first.session().expiresAt());
    }

    @Test
    void completesALoginFromThePastedRedirectAndStoresTheToken() {
        OAuthService.LoginAttempt attempt = service.startLogin(ProviderId.OPENAI);
        String redirect = "http://localhost:1455/auth/callback?code=the-code&state=" + attempt.session().state().value();

        SavedAuthentication saved = service.completeLogin(attempt.session(), redirect, java.util.Optional.empty());

        assertEquals(1, saved.version());
        assertEquals("at-1", ((OAuthToken) saved.credential()).accessToken().reveal());
        assertEquals("the-code", endpoint.calls.get(0).credential());
        assertEquals(attempt.session().pkce().codeVerifier().reveal(), endpoint.calls.get(0).codeVerifier());
        assertEquals(saved, store.find(saved.key()).orElseThrow());
    }

    @Test
    void aForgedCallbackNeverReachesTheTokenEndpoint() {
        OAuthService.LoginAttempt attempt = service.startLogin(ProviderId.OPENAI);

        InvalidCallbackException error = assertThrows(InvalidCallbackException.class,
                () -> service.completeLogin(attempt.session(), "code=stolen&state=attacker-chosen-state-0000", java.util.Optional.empty()));

        assertEquals(InvalidCallbackException.Reason.STATE_MISMATCH, error.reason());
        assertTrue(endpoint.calls.isEmpty());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void aSecondLoginReplacesTheFirstWithAHigherVersion() {
        OAuthService.LoginAttempt one = service.startLogin(ProviderId.ANTHROPIC);
        service.completeLogin(one.session(), "c1#" + one.session().state().value(), java.util.Optional.empty());
        OAuthService.LoginAttempt two = service.startLogin(ProviderId.ANTHROPIC);

        SavedAuthentication saved = service.completeLogin(two.session(), "c2#" + two.session().state().value(), java.util.Optional.empty());

        assertEquals(2, saved.version());
        assertEquals(1, store.list().size());
    }

    @Test
    void aFailedExchangeStoresNothing() {
        endpoint.answering(() -> {
            throw TokenEndpointErrors.toException(OAuthError.of("invalid_grant", "code expired", 400), ProviderId.OPENAI);
        });
        OAuthService.LoginAttempt attempt = service.startLogin(ProviderId.OPENAI);

        assertThrows(ReloginRequiredException.class,
                () -> service.completeLogin(attempt.session(), "code=c&state=" + attempt.session().state().value(), java.util.Optional.empty()));
        assertTrue(store.list().isEmpty());
    }

    @Test
    void exchangesTheIdTokenForAnApiKeyStoredAsItsOwnAuthType() {
        OAuthService.LoginAttempt attempt = service.startLogin(ProviderId.OPENAI);
        service.completeLogin(attempt.session(), "code=c&state=" + attempt.session().state().value(), java.util.Optional.empty());
        endpoint.answering(() -> new TokenResponse(Map.of("access_token", "sk-key")));

        apiKeys.obtainApiKey(ai.maestro.auth.application.port.inbound.AccountChoice.defaultOf(ProviderId.OPENAI));
        SavedAuthentication key = store.find(service.accounts().resolve(ProviderId.OPENAI, Optional.empty())
                .key(AuthType.API_KEY)).orElseThrow();

        assertEquals(AuthType.API_KEY, key.authType());
        assertEquals("sk-key", assertInstanceOf(ApiKey.class, key.credential()).key().reveal());
        assertEquals("token-exchange", endpoint.calls.get(1).grant());
        assertEquals(2, store.list().size());
    }

    @Test
    void apiKeyWithoutALoginSaysToLogIn() {
        NotLoggedInException error = assertThrows(NotLoggedInException.class,
                () -> apiKeys.obtainApiKey(ai.maestro.auth.application.port.inbound.AccountChoice.defaultOf(ProviderId.OPENAI)));
        assertTrue(error.getMessage().contains("maestro-auth login openai"));
    }

    @Test
    void logoutDeletesEveryCredentialOfTheProvider() {
        OAuthService.LoginAttempt attempt = service.startLogin(ProviderId.OPENAI);
        service.completeLogin(attempt.session(), "code=c&state=" + attempt.session().state().value(), java.util.Optional.empty());

        assertTrue(signOut.leave(service.accounts().resolve(ProviderId.OPENAI, Optional.empty()), false).deleted());
        assertThrows(NotLoggedInException.class, () -> service.accounts().resolve(ProviderId.OPENAI, Optional.empty()));
        assertTrue(store.list().isEmpty());
        assertTrue(store.accounts(ProviderId.OPENAI).isEmpty());
    }
}

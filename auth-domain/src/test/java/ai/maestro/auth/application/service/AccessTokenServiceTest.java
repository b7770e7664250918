package ai.maestro.auth.application.service;

import ai.maestro.auth.domain.error.TokenEndpointErrors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.token.AccountIdentity;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import ai.maestro.auth.testing.InMemoryCredentialStore;
import ai.maestro.auth.testing.MutableClock;
import ai.maestro.auth.testing.ScriptedTokenEndpoint;
import ai.maestro.auth.testing.Storm;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AccessTokenServiceTest {
    private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");
    private final MutableClock clock = new MutableClock(START);
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    private final AtomicInteger issued = new AtomicInteger();
    private final ScriptedTokenEndpoint endpoint = new ScriptedTokenEndpoint().answering(() -> {
        int n = issued.incrementAndGet();
        return new TokenResponse(Map.of("access_token", "at-" + n, "refresh_token", "rt-" + n, "expires_in", 3600));
    });
    /** Tokens without an id_token belong to the provider's unnamed account. */
    private static final CredentialKey KEY = CredentialKey.oauth(ProviderId.OPENAI, AccountIdentity.UNNAMED);
    private final OAuthService logins = new OAuthService(ProviderConfigs.defaults(), endpoint, store, store, clock,
            new SecureRandom(), Duration.ofMinutes(5));
    private final AccessTokenService tokens = new AccessTokenService(logins.configs(), endpoint, store, store, store, store, store, clock,
            TokenLifecyclePolicy.defaults().withoutBackgroundRefresh(), ai.maestro.auth.application.port.outbound.AuthEvents.none());

    private SavedAuthentication stored(String access, String refresh, Duration lifetime) {
        OAuthToken token = new OAuthToken(Secret.of(access), Optional.ofNullable(refresh).map(Secret::of),
                Optional.empty(), "Bearer", List.of(), Optional.of(clock.instant().plus(lifetime)), clock.instant());
        return ((SaveResult.Saved) store.save(SavedAuthentication.fresh(KEY, token, clock.instant())))
                .stored();
    }

    private OAuthToken storedToken() {
        return (OAuthToken) store.find(KEY).orElseThrow().credential();
    }

    @Test
    void aValidTokenComesFromTheCacheWithoutTouchingTheStore() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        int reads = store.reads.get();

        for (int i = 0; i < 1000; i++) {
            assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        }

        assertEquals(reads, store.reads.get());
        assertTrue(endpoint.calls.isEmpty());
    }

    @Test
    void anAnswerRecordedByAHolderThatDiedBeforeStoringItIsAppliedInsteadOfSpendingTheOldTokenAgain() {
        stored("at-0", "rt-0", Duration.ofMinutes(1));
        // The holder's answer is recorded the moment it arrives; then the process dies before the store has it.
        store.failNextCommit = true;
        assertThrows(RuntimeException.class, () -> tokens.refreshNow(KEY));
        assertEquals("rt-0", storedToken().refreshToken().orElseThrow().reveal(), "the store lost the rotation");
        assertEquals(1, endpoint.calls.size());

        OAuthToken next = new AccessTokenService(logins.configs(), endpoint, store, store, store, store, store, clock,
                TokenLifecyclePolicy.defaults().withoutBackgroundRefresh(), ai.maestro.auth.application.port.outbound.AuthEvents.none()).validToken(KEY);

        assertEquals("at-1", next.accessToken().reveal());
        assertEquals("rt-1", storedToken().refreshToken().orElseThrow().reveal());
        assertEquals(1, endpoint.calls.size(), "rt-0 was spent: it must not be sent again");
        assertTrue(store.recordedAnswers.isEmpty(), "the applied answer is forgotten");
    }

    @Test
    void aRecordedAnswerForAnOlderRowIsNeverApplied() {
        SavedAuthentication old = stored("at-0", "rt-0", Duration.ofMinutes(1));
        store.recordAnswer(old, "answer-0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        OAuthToken login = new OAuthToken(Secret.of("at-login"), Optional.of(Secret.of("rt-login")), Optional.empty(),
                "Bearer", List.of(), Optional.of(clock.instant().plusSeconds(60)), clock.instant());
        assertTrue(store.save(old.replacedBy(login, clock.instant())) instanceof SaveResult.Saved);

        tokens.refreshNow(KEY);

        assertEquals("at-1", storedToken().accessToken().reveal());
        assertEquals(List.of("rt-login"), endpoint.calls.stream().map(c -> c.credential()).toList());
    }

    @Test
    void refreshesOnceTheTokenEntersTheSkewWindowAndPersistsTheRotatedRefreshToken() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        clock.advance(Duration.ofMinutes(56));

        assertEquals("at-1", tokens.validAccessToken(ProviderId.OPENAI).reveal());

        assertEquals(List.of(new ScriptedTokenEndpoint.Call("refresh_token", "rt-0", null)), endpoint.calls);
        assertEquals("rt-1", storedToken().refreshToken().orElseThrow().reveal());
        assertEquals(2, store.find(KEY).orElseThrow().version());
    }

    @Test
    void aRefreshStormInOneProcessMakesExactlyOneRefresh() throws Exception {
        stored("at-0", "rt-0", Duration.ofMinutes(1));
        endpoint.answering(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new TokenResponse(Map.of("access_token", "at-new", "refresh_token", "rt-new", "expires_in", 3600));
        });
        Set<String> seen = Storm.run(8, 200, () -> tokens.validAccessToken(ProviderId.OPENAI).reveal());

        assertEquals(1, endpoint.calls.size());
        assertEquals(Set.of("at-new"), seen);
    }

    @Test
    void usesATokenAnotherProcessAlreadyRefreshedInsteadOfRefreshing() {
        SavedAuthentication v1 = stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        clock.advance(Duration.ofMinutes(58));
        OAuthToken other = new OAuthToken(Secret.of("at-other"), Optional.of(Secret.of("rt-other")), Optional.empty(),
                "Bearer", List.of(), Optional.of(clock.instant().plusSeconds(3600)), clock.instant());
        store.save(v1.replacedBy(other, clock.instant()));

        assertEquals("at-other", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        assertTrue(endpoint.calls.isEmpty());
    }

    @Test
    void aPermanentErrorMarksTheCredentialAndAsksForANewLogin() {
        stored("at-0", "rt-0", Duration.ofMinutes(1));
        endpoint.answering(() -> {
            throw TokenEndpointErrors.toException(OAuthError.of("refresh_token_reused", "already used", 401), ProviderId.OPENAI);
        });

        ReloginRequiredException first = assertThrows(ReloginRequiredException.class,
                () -> tokens.validAccessToken(ProviderId.OPENAI));
        ReloginRequiredException second = assertThrows(ReloginRequiredException.class,
                () -> tokens.validAccessToken(ProviderId.OPENAI));

        assertEquals("refresh_token_reused", first.error().orElseThrow().code());
        assertTrue(second.getMessage().contains("refresh_token_reused"), second.getMessage());
        assertEquals(1, endpoint.calls.size());
        SavedAuthentication kept = store.find(KEY).orElseThrow();
        assertEquals("refresh_token_reused", kept.reloginRequired().orElseThrow().reason());
        assertEquals("rt-0", ((OAuthToken) kept.credential()).refreshToken().orElseThrow().reveal());
    }

    @Test
    void aTransientErrorWhileTheTokenIsStillValidServesItAndRetriesLater() {
        stored("at-0", "rt-0", Duration.ofMinutes(4));
        endpoint.answering(() -> {
            throw new ProviderUnavailableException("HTTP 503", null, null);
        });

        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        assertEquals(1, endpoint.calls.size());

        clock.advance(Duration.ofSeconds(31));
        endpoint.answering(() -> new TokenResponse(Map.of("access_token", "at-later", "expires_in", 3600)));
        assertEquals("at-later", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        assertEquals("rt-0", storedToken().refreshToken().orElseThrow().reveal());
    }

    @Test
    void aTransientErrorAfterExpiryIsATypedError() {
        stored("at-0", "rt-0", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(11));
        endpoint.answering(() -> {
            throw new ProviderUnavailableException("HTTP 503", null, null);
        });

        assertThrows(ProviderUnavailableException.class, () -> tokens.validAccessToken(ProviderId.OPENAI));
        assertEquals("rt-0", storedToken().refreshToken().orElseThrow().reveal());
        assertTrue(store.find(KEY).orElseThrow().reloginRequired().isEmpty());
    }

    @Test
    void nothingStoredSaysToLogIn() {
        assertThrows(NotLoggedInException.class, () -> tokens.validAccessToken(ProviderId.ANTHROPIC));
    }

    @Test
    void refreshNowRefreshesAValidToken() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);

        SavedAuthentication row = tokens.refreshNow(KEY);

        assertEquals("at-1", ((OAuthToken) row.credential()).accessToken().reveal());
        assertEquals("at-1", tokens.validAccessToken(ProviderId.OPENAI).reveal());
    }

    @Test
    void aForcedRefreshReportsATransientFailureInsteadOfPretending() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        endpoint.answering(() -> {
            throw new ProviderUnavailableException("HTTP 503", null, null);
        });

        assertThrows(ProviderUnavailableException.class, () -> tokens.refreshNow(KEY));
        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
    }

    @Test
    void theBackgroundRefresherRefreshesTokensDueSoon() {
        stored("at-0", "rt-0", Duration.ofMinutes(8));
        tokens.validAccessToken(ProviderId.OPENAI);
        // Its first look at the change stamp checks the cached row once.
        tokens.refreshDueTokens();
        int reads = store.reads.get();

        tokens.refreshDueTokens();
        assertEquals(reads, store.reads.get(), "nothing is due yet: not even a read");

        clock.advance(Duration.ofMinutes(1) .plusSeconds(30));
        tokens.refreshDueTokens();
        assertEquals(1, endpoint.calls.size());
        assertEquals("at-1", tokens.validAccessToken(ProviderId.OPENAI).reveal());
    }

    @Test
    void aTokenWithoutRefreshTokenIsServedUntilItExpires() {
        stored("at-0", null, Duration.ofMinutes(3));
        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        clock.advance(Duration.ofMinutes(4));
        assertThrows(ReloginRequiredException.class, () -> tokens.validAccessToken(ProviderId.OPENAI));
        assertTrue(endpoint.calls.isEmpty());
    }

    @Test
    void aLogoutByAnotherProcessIsHonouredWithinASecond() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        clock.advance(Duration.ofSeconds(1));
        tokens.validAccessToken(ProviderId.OPENAI);

        store.delete(KEY);
        assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal(), "within the second: the cache");
        clock.advance(Duration.ofSeconds(1));

        assertThrows(NotLoggedInException.class, () -> tokens.validAccessToken(ProviderId.OPENAI));
    }

    @Test
    void aNewLoginByAnotherProcessReplacesTheCachedToken() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        SavedAuthentication row = store.find(KEY).orElseThrow();
        OAuthToken other = new OAuthToken(Secret.of("at-other"), Optional.of(Secret.of("rt-other")), Optional.empty(),
                "Bearer", List.of(), Optional.of(clock.instant().plus(Duration.ofHours(1))), clock.instant());
        store.save(row.replacedBy(other, clock.instant()));
        clock.advance(Duration.ofSeconds(1));

        assertEquals("at-other", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        assertTrue(endpoint.calls.isEmpty());
    }

    @Test
    void anUnchangedStampCostsOneStampReadASecondAndNoRowRead() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        clock.advance(Duration.ofSeconds(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        int reads = store.reads.get();
        int stampReads = store.changeStampReads.get();

        for (int second = 0; second < 5; second++) {
            clock.advance(Duration.ofSeconds(1));
            for (int i = 0; i < 100; i++) {
                tokens.validAccessToken(ProviderId.OPENAI);
            }
        }

        assertEquals(reads, store.reads.get());
        assertEquals(stampReads + 5, store.changeStampReads.get());
    }

    @Test
    void aRejectedTokenStillInTheStoreIsRefreshedOnce() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);

        assertEquals("at-1", tokens.afterRejection(ProviderId.OPENAI, Secret.of("at-0")).accessToken().reveal());
        assertEquals("at-1", tokens.afterRejection(ProviderId.OPENAI, Secret.of("at-0")).accessToken().reveal());

        assertEquals(1, endpoint.calls.size());
        assertEquals("rt-1", storedToken().refreshToken().orElseThrow().reveal());
    }

    @Test
    void aRejectedTokenAnotherProcessAlreadyReplacedIsNotRefreshed() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        SavedAuthentication row = store.find(KEY).orElseThrow();
        OAuthToken theirs = new OAuthToken(Secret.of("at-theirs"), Optional.of(Secret.of("rt-theirs")),
                Optional.empty(), "Bearer", List.of(), Optional.of(clock.instant().plus(Duration.ofHours(1))),
                clock.instant());
        store.save(row.replacedBy(theirs, clock.instant()));

        assertEquals("at-theirs", tokens.afterRejection(ProviderId.OPENAI, Secret.of("at-0")).accessToken().reveal());
        assertTrue(endpoint.calls.isEmpty());
    }

    @Test
    void aStoreOutageServesTheCachedTokenWhileItIsValidAndRetriesLater() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        clock.advance(Duration.ofMinutes(56));
        store.down = true;

        for (int i = 0; i < 100; i++) {
            assertEquals("at-0", tokens.validAccessToken(ProviderId.OPENAI).reveal());
        }
        assertTrue(endpoint.calls.isEmpty());

        store.down = false;
        clock.advance(TokenLifecyclePolicy.defaults().transientRetryDelay());
        assertEquals("at-1", tokens.validAccessToken(ProviderId.OPENAI).reveal());
    }

    @Test
    void aStoreOutageAfterExpiryIsTheStoresTypedError() {
        stored("at-0", "rt-0", Duration.ofHours(1));
        tokens.validAccessToken(ProviderId.OPENAI);
        clock.advance(Duration.ofMinutes(61));
        store.down = true;

        assertThrows(ai.maestro.auth.domain.error.CredentialStoreException.class,
                () -> tokens.validAccessToken(ProviderId.OPENAI));
    }

    /** The provider rotated (the old refresh token is spent) but another field of its answer is refused. */
    private void refusedRotations(Map<String, Object> badAnswer) {
        stored("at-0", "rt-0", Duration.ofMinutes(1));
        endpoint.answering(() -> {
            int n = issued.incrementAndGet();
            return n == 1 ? new TokenResponse(badAnswer)
                    : new TokenResponse(Map.of("access_token", "at-" + n, "refresh_token", "rt-" + n, "expires_in", 3600));
        });

        InvalidTokenResponseException refused = assertThrows(InvalidTokenResponseException.class,
                () -> tokens.validAccessToken(KEY));

        assertTrue(refused.getMessage().contains("new refresh token was kept"), refused.getMessage());
        assertEquals("rt-new", storedToken().refreshToken().orElseThrow().reveal());
        assertEquals("at-2", tokens.validAccessToken(KEY).reveal(), "the next call refreshes again");
        assertEquals(List.of("rt-0", "rt-new"), endpoint.calls.stream().map(ScriptedTokenEndpoint.Call::credential)
                .toList(), "the kept token is the one sent next; no token is sent twice");
    }

    @Test
    void aRotationIsKeptWhenTheAnswersExpiryIsAbsurd() {
        refusedRotations(Map.of("access_token", "at-x", "refresh_token", "rt-new", "expires_in", -5));
    }

    @Test
    void aRotationIsKeptWhenTheAnswersAccessTokenIsMalformed() {
        refusedRotations(Map.of("access_token", "at x\u001b[2J", "refresh_token", "rt-new", "expires_in", 3600));
    }

    @Test
    void aRefusedAnswerWithoutANewRefreshTokenStoresNothing() {
        SavedAuthentication before = stored("at-0", "rt-0", Duration.ofMinutes(1));
        endpoint.answering(() -> new TokenResponse(Map.of("access_token", "at-x", "expires_in", -5)));

        InvalidTokenResponseException refused = assertThrows(InvalidTokenResponseException.class,
                () -> tokens.validAccessToken(KEY));

        assertTrue(refused.getMessage().contains("Nothing was stored"), refused.getMessage());
        assertEquals(before.version(), store.find(KEY).orElseThrow().version());
    }
}

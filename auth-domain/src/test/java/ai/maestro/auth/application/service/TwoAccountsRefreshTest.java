package ai.maestro.auth.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import ai.maestro.auth.testing.InMemoryCredentialStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two accounts of one provider refresh at the same time, and one's dead grant never touches the other. */
class TwoAccountsRefreshTest {
    private static final CredentialKey ADA = CredentialKey.oauth(ProviderId.OPENAI, "acct-ada");
    private static final CredentialKey BOB = CredentialKey.oauth(ProviderId.OPENAI, "acct-bob");
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    /** Both refreshes must be at the server together: each waits (boundedly) for the other to arrive. */
    private final CountDownLatch bothArrived = new CountDownLatch(2);
    private volatile boolean adasGrantIsDead;

    private final TokenEndpointPort endpoint = new TokenEndpointPort() {
        @Override
        public TokenResponse readAnswer(byte[] body) {
            throw new AssertionError("no answer is recorded here");
        }

        @Override
        public TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt) {
            bothArrived.countDown();
            try {
                if (!bothArrived.await(5, TimeUnit.SECONDS)) {
                    throw new AssertionError("a refresh waited for the other account's");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (adasGrantIsDead && refreshToken.reveal().startsWith("rt-ada")) {
                throw new ReloginRequiredException(ProviderId.OPENAI, null, "the grant is dead");
            }
            return new TokenResponse(Map.of("access_token", "new-" + refreshToken.reveal(), "refresh_token",
                    refreshToken.reveal() + "-2", "expires_in", 3600));
        }

        @Override
        public TokenResponse exchangeAuthorizationCode(ProviderConfig c, AuthorizationSession s, AuthorizationCode a) {
            throw new AssertionError("no login here");
        }

        @Override
        public TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken) {
            throw new AssertionError("no API key here");
        }

        @Override
        public void revoke(ProviderConfig config, Secret refreshToken) {
            throw new AssertionError("no revocation here");
        }

        @Override
        public DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
            throw new AssertionError("no device login here");
        }

        @Override
        public DevicePoll pollDeviceAuthorization(ProviderConfig config, DeviceAuthorization device) {
            throw new AssertionError("no device login here");
        }
    };
    private final AccessTokenService tokens = new AccessTokenService(ai.maestro.auth.domain.config.ProviderConfigs.defaults(), endpoint, store, store, store, store, store,
            Clock.systemUTC(), TokenLifecyclePolicy.defaults().withoutBackgroundRefresh(), ai.maestro.auth.application.port.outbound.AuthEvents.none());

    private void storeExpired(CredentialKey key, String refresh) {
        Instant now = Instant.now();
        store.register(key.provider(), key.account(), key.account());
        store.save(SavedAuthentication.fresh(key, new OAuthToken(Secret.of("old-" + refresh),
                Optional.of(Secret.of(refresh)), Optional.empty(), "Bearer", List.of(),
                Optional.of(now.minusSeconds(1)), now.minusSeconds(3600)), now));
    }

    @Test
    void theirRefreshesOverlapAndEachGetsItsOwnToken() throws Exception {
        storeExpired(ADA, "rt-ada");
        storeExpired(BOB, "rt-bob");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Secret> ada = pool.submit(() -> tokens.validAccessToken(ADA));
            Future<Secret> bob = pool.submit(() -> tokens.validAccessToken(BOB));

            assertEquals("new-rt-ada", ada.get(20, TimeUnit.SECONDS).reveal());
            assertEquals("new-rt-bob", bob.get(20, TimeUnit.SECONDS).reveal());
            assertEquals(0, bothArrived.getCount(), "both refreshes were at the server at once");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneAccountsDeadGrantLeavesTheOtherAlone() throws Exception {
        storeExpired(ADA, "rt-ada");
        storeExpired(BOB, "rt-bob");
        adasGrantIsDead = true;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Secret> ada = pool.submit(() -> tokens.validAccessToken(ADA));
            Future<Secret> bob = pool.submit(() -> tokens.validAccessToken(BOB));

            assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> ada.get(20, TimeUnit.SECONDS)).getCause() instanceof ReloginRequiredException);
            assertEquals("new-rt-bob", bob.get(20, TimeUnit.SECONDS).reveal());
            assertTrue(store.find(ADA).orElseThrow().reloginRequired().isPresent());
            assertTrue(store.find(BOB).orElseThrow().reloginRequired().isEmpty(), "Bob's row is untouched");
        } finally {
            pool.shutdownNow();
        }
    }
}

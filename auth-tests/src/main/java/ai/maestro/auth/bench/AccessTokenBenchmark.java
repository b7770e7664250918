package ai.maestro.auth.bench;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStores;
import ai.maestro.auth.adapter.outbound.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.outbound.persistence.JdbiCredentialStore;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.application.service.TokenLifecyclePolicy;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path of {@link AccessTokenService#validAccessToken}: a valid token, cached, on a real
 * H2 store (which the hot path must not touch). Goal: at most 1 microsecond median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccessTokenBenchmark {
    private AccessTokenService tokens;
    /** The same, wired as the module wires it: store timed, events to a registry and the event log. */
    private AccessTokenService metered;

    /** The hot path must never reach the network; if it did, the benchmark would fail loudly. */
    private static final TokenEndpointPort NO_NETWORK = new TokenEndpointPort() {
        @Override
        public TokenResponse exchangeAuthorizationCode(ProviderConfig c, AuthorizationSession s, AuthorizationCode a) {
            throw new AssertionError("no exchange on the hot path");
        }

        @Override
        public TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt) {
            throw new AssertionError("no refresh on the hot path");
        }

        @Override
        public TokenResponse readAnswer(byte[] body) {
            throw new AssertionError("no refresh on the hot path");
        }

        @Override
        public TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken) {
            throw new AssertionError("no token exchange on the hot path");
        }

        @Override
        public void revoke(ProviderConfig config, Secret refreshToken) {
            throw new AssertionError("no revocation on the hot path");
        }

        @Override
        public ai.maestro.auth.domain.DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
            throw new AssertionError("no device login on the hot path");
        }

        @Override
        public ai.maestro.auth.domain.DevicePoll pollDeviceAuthorization(ProviderConfig config,
                ai.maestro.auth.domain.DeviceAuthorization device) {
            throw new AssertionError("no device login on the hot path");
        }
    };

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SecureRandom random = new SecureRandom();
        JdbiCredentialStore store = CredentialStores.open(
                PersistenceSettings.embedded(Files.createTempDirectory("maestro-auth-bench")),
                EncryptionKeys.parse(EncryptionKeys.generate(random), "bench"), random);
        Instant now = Instant.now();
        OAuthToken token = new OAuthToken(Secret.of("a".repeat(1400)), Optional.of(Secret.of("r".repeat(60))),
                Optional.empty(), "Bearer", List.of("openid"), Optional.of(now.plus(Duration.ofDays(1))), now);
        store.save(SavedAuthentication.fresh(ai.maestro.auth.domain.CredentialKey.oauth(ProviderId.OPENAI, "acct-bench"), token, now));
        OAuthService logins = new OAuthService(ProviderConfigs.defaults(), NO_NETWORK, store, store, Clock.systemUTC(),
                random, Duration.ofMinutes(5));
        tokens = new AccessTokenService(logins.configs(), NO_NETWORK, store, store, store, store, store, Clock.systemUTC(),
                TokenLifecyclePolicy.defaults().withoutBackgroundRefresh(), ai.maestro.auth.application.port.outbound.AuthEvents.none());
        tokens.validAccessToken(ProviderId.OPENAI);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ai.maestro.auth.app.observe.MeteredStore timed = new ai.maestro.auth.app.observe.MeteredStore(store, registry,
                "h2");
        metered = new AccessTokenService(logins.configs(), NO_NETWORK, timed, timed, timed, timed, timed, Clock.systemUTC(),
                TokenLifecyclePolicy.defaults().withoutBackgroundRefresh(),
                new ai.maestro.auth.app.observe.BothEvents(List.of(
                        new ai.maestro.auth.app.observe.MicrometerEvents(registry, timed, Clock.systemUTC()),
                        new ai.maestro.auth.app.observe.LoggedEvents())));
        metered.validAccessToken(ProviderId.OPENAI);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tokens.close();
        metered.close();
    }

    /** With a registry attached: must stay within 10 % of {@link #validAccessToken()}. */
    @Benchmark
    public Secret validAccessTokenWithRegistry() {
        return metered.validAccessToken(ProviderId.OPENAI);
    }

    @Benchmark
    public Secret validAccessToken() {
        return tokens.validAccessToken(ProviderId.OPENAI);
    }

    /** The floor: a cached token in a ConcurrentHashMap and an expiry check against Instant.now(). */
    private final java.util.concurrent.ConcurrentHashMap<ProviderId, OAuthToken> floor =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void fillFloor() {
        Instant now = Instant.now();
        floor.put(ProviderId.OPENAI, new OAuthToken(Secret.of("a".repeat(1400)), Optional.empty(), Optional.empty(),
                "Bearer", List.of("openid"), Optional.of(now.plus(Duration.ofDays(1))), now));
    }

    @Benchmark
    public Secret mapAndInstantFloor() {
        OAuthToken token = floor.get(ProviderId.OPENAI);
        if (token.expiresAt().orElseThrow().minusSeconds(300).isBefore(Instant.now())) {
            throw new AssertionError("expired");
        }
        return token.accessToken();
    }

    @Benchmark
    @Threads(2)
    public Secret validAccessTokenTwoThreads() {
        return tokens.validAccessToken(ProviderId.OPENAI);
    }
}

package ai.maestro.auth.bench;

import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.config.ProviderConfigs;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A new login attempt (PKCE pair, state, authorization URL) for OpenAI: maestro-auth, the Nimbus
 * OAuth 2.0 SDK, and a hand-written floor (random bytes, SHA-256, base64url, one StringBuilder and
 * URI.create), with the same parameters and the same SecureRandom.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoginAttemptBenchmark {
    private static final String AUTHORIZE = "https://auth.openai.com/oauth/authorize";
    private static final String CLIENT = "app_EMoamEEZ73f0CkXaXp7hrann";
    private static final String REDIRECT = "http://localhost:1455/auth/callback";
    private final SecureRandom random = new SecureRandom();
    private OAuthService logins;

    @Setup(Level.Trial)
    public void setUp() {
        logins = new OAuthService(ProviderConfigs.defaults(), unused(TokenEndpointPort.class),
                unused(CredentialRows.class), unused(AccountDirectory.class), Clock.systemUTC(), random, Duration.ofMinutes(10));
    }

    /** A port a login attempt must not touch: any call fails the benchmark. */
    private static <T> T unused(Class<T> port) {
        return port.cast(java.lang.reflect.Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port},
                (proxy, method, args) -> {
                    throw new AssertionError(method.getName() + " during a login attempt");
                }));
    }

    @Benchmark
    public URI maestroAuth() {
        return logins.startLogin(ProviderId.OPENAI).request().uri();
    }

    @Benchmark
    public URI nimbus() {
        CodeVerifier verifier = new CodeVerifier();
        return new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(CLIENT))
                .endpointURI(URI.create(AUTHORIZE))
                .redirectionURI(URI.create(REDIRECT))
                .scope(new Scope("openid", "profile", "email", "offline_access"))
                .state(new com.nimbusds.oauth2.sdk.id.State())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .customParameter("id_token_add_organizations", "true")
                .customParameter("codex_cli_simplified_flow", "true")
                .customParameter("originator", "maestro_auth")
                .build().toURI();
    }

    @Benchmark
    public URI handWrittenFloor() throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String verifier = base64.encodeToString(bytes);
        String challenge = base64.encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        random.nextBytes(bytes);
        String state = base64.encodeToString(bytes);
        return URI.create(AUTHORIZE + "?response_type=code&client_id=" + CLIENT
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"
                + "&scope=openid%20profile%20email%20offline_access&code_challenge=" + challenge
                + "&code_challenge_method=S256&state=" + state
                + "&id_token_add_organizations=true&codex_cli_simplified_flow=true&originator=maestro_auth");
    }
}

package ai.maestro.auth.bench;

import ai.maestro.auth.app.wiring.TrainingStore;
import ai.maestro.auth.adapter.outbound.http.HttpSettings;
import ai.maestro.auth.adapter.outbound.http.OkHttpClients;
import ai.maestro.auth.adapter.outbound.http.OkHttpTokenEndpoint;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A code exchange and a refresh against a token endpoint on loopback that answers at once (the JDK
 * server with TCP_NODELAY: without it, Nagle and delayed ACKs add ~40 ms to every client and hide
 * the differences): maestro-auth (request, answer, validation), the Nimbus OAuth 2.0 SDK, and the
 * floor, raw OkHttp plus Jackson.
 */
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class ExchangeBenchmark {
    private static final MediaType JSON = MediaType.get("application/json");
    private final ObjectMapper mapper = new ObjectMapper();
    private TrainingStore.LoopbackEndpoint server;
    private URI tokenEndpoint;
    private ProviderConfig config;
    private OkHttpTokenEndpoint maestro;
    private OkHttpClient raw;
    private AuthorizationSession session;
    private CodeVerifier nimbusVerifier;

    @Setup(Level.Trial)
    public void start() throws IOException {
        byte[] answer = mapper.writeValueAsBytes(Map.of("access_token", BenchTokens.realistic(Instant.now())
                .accessToken().reveal(), "refresh_token", "rt-next-0123456789", "expires_in", 3600,
                "token_type", "Bearer"));
        server = TrainingStore.tokenEndpoint(() -> answer);
        tokenEndpoint = URI.create(server.url());
        config = ProviderConfigs.fromEnvironment(Map.of("OPENAI_OAUTH_TOKEN_ENDPOINT", tokenEndpoint.toString()))
                .get(ProviderId.OPENAI);
        HttpSettings settings = HttpSettings.defaults();
        maestro = new OkHttpTokenEndpoint(OkHttpClients.create(settings), settings, Clock.systemUTC());
        raw = new OkHttpClient();
        Instant now = Instant.now();
        session = new AuthorizationSession(ProviderId.OPENAI, State.of("state-0123456789-0123456789-0123456789"),
                PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), config.redirectUri(), now,
                now.plusSeconds(3600));
        nimbusVerifier = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.close();
    }

    @Benchmark
    public OAuthToken maestroCodeExchange() {
        return maestro.exchangeAuthorizationCode(config, session, AuthorizationCode.of("the-code"))
                .validate(Instant.now());
    }

    @Benchmark
    public OAuthToken maestroRefresh() {
        return maestro.refresh(config, Secret.of("rt-old-0123456789")).validate(Instant.now());
    }

    @Benchmark
    public Tokens nimbusCodeExchange() throws Exception {
        TokenRequest request = new TokenRequest.Builder(tokenEndpoint, new ClientID(config.clientId()),
                new AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode("the-code"),
                        config.redirectUri(), nimbusVerifier)).build();
        return TokenResponse.parse(request.toHTTPRequest().send()).toSuccessResponse().getTokens();
    }

    @Benchmark
    public Tokens nimbusRefresh() throws Exception {
        TokenRequest request = new TokenRequest.Builder(tokenEndpoint, new ClientID(config.clientId()),
                new RefreshTokenGrant(new RefreshToken("rt-old-0123456789"))).build();
        return TokenResponse.parse(request.toHTTPRequest().send()).toSuccessResponse().getTokens();
    }

    @Benchmark
    public Map<?, ?> okHttpFloorCodeExchange() throws IOException {
        RequestBody form = new FormBody.Builder().add("grant_type", "authorization_code").add("code", "the-code")
                .add("redirect_uri", config.redirectUri().toString()).add("client_id", config.clientId())
                .add("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").build();
        return post(form);
    }

    @Benchmark
    public Map<?, ?> okHttpFloorRefresh() throws IOException {
        return post(RequestBody.create(("{\"client_id\":\"" + config.clientId() + "\",\"grant_type\":\"refresh_token\","
                + "\"refresh_token\":\"rt-old-0123456789\",\"scope\":\"openid profile email\"}")
                .getBytes(StandardCharsets.UTF_8), JSON));
    }

    private Map<?, ?> post(RequestBody body) throws IOException {
        try (Response response = raw.newCall(new Request.Builder().url(tokenEndpoint.toString()).post(body)
                .header("Accept", "application/json").build()).execute()) {
            return mapper.readValue(response.body().bytes(), Map.class);
        }
    }
}

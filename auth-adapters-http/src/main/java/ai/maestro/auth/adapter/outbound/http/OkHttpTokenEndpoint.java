package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.error.TokenEndpointErrors;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.ConfigProblem;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigValidator;
import ai.maestro.auth.domain.config.TokenRequestFormat;
import ai.maestro.auth.domain.error.ConfigurationException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException.Defect;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/** {@link TokenEndpointPort} over OkHttp and Jackson, in each provider's dialect (form-encoded for OpenAI, JSON for Anthropic). */
public final class OkHttpTokenEndpoint implements TokenEndpointPort {
    static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Which calls may be repeated after the request may have reached the server. */
    private enum Replay { NEVER, ON_TRANSIENT_FAILURE }

    private final OkHttpClient client;
    /**
     * For calls that may be sent twice (revocation, device-login requests and polls): connections of
     * their own, retried once on a fresh one when the server had closed a pooled one. Kept apart so
     * that a single-use grant never lands on a connection these left behind.
     */
    private final OkHttpClient repeatable;
    /**
     * For single-use grants (an authorization code, a refresh token): a new connection every time,
     * never one from a pool that the server may have closed a moment ago, so a grant is never lost
     * to a stale connection and the question of resending it never comes up. A grant is sent once an
     * hour or at a login: the extra handshake costs nothing that matters.
     */
    private final OkHttpClient fresh;
    private final ObjectMapper mapper;
    private final JwtPayloads jwts;
    private final HttpSettings settings;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicBoolean warmedUp = new java.util.concurrent.atomic.AtomicBoolean();

    public OkHttpTokenEndpoint(OkHttpClient client, ObjectMapper mapper, HttpSettings settings, Clock clock) {
        this(client, mapper, settings, clock, duration -> Thread.sleep(duration.toMillis()));
    }

    public OkHttpTokenEndpoint(OkHttpClient client, ObjectMapper mapper, HttpSettings settings, Clock clock,
                               Sleeper sleeper) {
        this.client = client;
        this.repeatable = client.newBuilder().connectionPool(new ConnectionPool()).retryOnConnectionFailure(true)
                .build();
        this.fresh = client.newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
        this.mapper = mapper;
        this.jwts = new JwtPayloads(mapper);
        this.settings = settings;
        this.retry = new RetryPolicy(settings);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public TokenResponse exchangeAuthorizationCode(ProviderConfig config, AuthorizationSession session,
                                                   AuthorizationCode code) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code.value().reveal());
        if (config.stateInCodeExchange()) {
            // Anthropic's endpoint wants the state back alongside the code.
            fields.put("state", session.state().value());
        }
        if (config.codeExchangeFormat() == TokenRequestFormat.JSON) {
            fields.put("client_id", config.clientId());
            fields.put("redirect_uri", session.redirectUri().toString());
        } else {
            fields.put("redirect_uri", session.redirectUri().toString());
            fields.put("client_id", config.clientId());
        }
        fields.put("code_verifier", session.pkce().codeVerifier().reveal());
        return send(fresh, config, body(config.codeExchangeFormat(), fields), Replay.NEVER,
                List.of(code.value().reveal(), session.pkce().codeVerifier().reveal(), session.state().value()));
    }

    /** A refresh whose answer nobody keeps before it is parsed: for callers without a rotation log. */
    public TokenResponse refresh(ProviderConfig config, Secret refreshToken) {
        return refresh(config, refreshToken, answer -> { });
    }

    @Override
    public TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("client_id", config.clientId());
        fields.put("grant_type", "refresh_token");
        fields.put("refresh_token", refreshToken.reveal());
        if (!config.refreshScopes().isEmpty()) {
            fields.put("scope", String.join(" ", config.refreshScopes()));
        }
        warmUpAnswerPath();
        return send(fresh, config, body(config.refreshFormat(), fields), Replay.ON_TRANSIENT_FAILURE,
                List.of(refreshToken.reveal()), receipt);
    }

    @Override
    public TokenResponse readAnswer(byte[] body) {
        return answer(body);
    }

    /**
     * Parses and validates a made-up answer once per process before the first refresh token is
     * spent: in a fresh CLI process that first pass costs milliseconds of class loading, and the
     * time between the real answer and its durable record is the window in which a crash loses a
     * rotation.
     */
    private void warmUpAnswerPath() {
        if (warmedUp.compareAndSet(false, true)) {
            try {
                Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
                String jwt = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                        + base64.encodeToString(("{\"exp\":" + (clock.instant().getEpochSecond() + 3600) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".x";
                byte[] answer = ("{\"access_token\":\"" + jwt + "\",\"refresh_token\":\"warm-up\","
                        + "\"expires_in\":3600,\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8);
                AnswerPathWarmUp.run(fresh, answer, response -> success(response, body -> { })
                        .validate(clock.instant()));
            } catch (IOException | RuntimeException ignored) {
                // Only a warm-up.
            }
        }
    }

    @Override
    public TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        fields.put("client_id", config.clientId());
        fields.put("requested_token", "openai-api-key");
        fields.put("subject_token", idToken.reveal());
        fields.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
        return send(client, config, body(TokenRequestFormat.FORM, fields), Replay.ON_TRANSIENT_FAILURE,
                List.of(idToken.reveal()));
    }

    private RequestBody body(TokenRequestFormat format, Map<String, String> fields) {
        if (format == TokenRequestFormat.FORM) {
            FormBody.Builder form = new FormBody.Builder();
            fields.forEach(form::add);
            return form.build();
        }
        try {
            return RequestBody.create(mapper.writeValueAsBytes(fields), JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    private TokenResponse send(OkHttpClient through, ProviderConfig config, RequestBody body, Replay replay,
                               List<String> secrets) {
        return send(through, config, body, replay, secrets, answer -> { });
    }

    private TokenResponse send(OkHttpClient through, ProviderConfig config, RequestBody body, Replay replay,
                               List<String> secrets, AnswerReceipt receipt) {
        HttpUrl url = endpoint(config);
        // One bound for the whole operation: a server that never answers, or drips its answer, costs
        // at most the deadline, not attempts x call timeout.
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        for (int attempt = 1; ; attempt++) {
            long remaining = deadline - System.nanoTime();
            OkHttpClients.SendTracker tracker = new OkHttpClients.SendTracker();
            Request request = new Request.Builder().url(url).post(body)
                    .header("Accept", "application/json")
                    .header("User-Agent", settings.userAgent())
                    .tag(OkHttpClients.SendTracker.class, tracker)
                    .build();
            Optional<Duration> retryAfter;
            RuntimeException failure;
            Call call = through.newCall(request);
            call.timeout().timeout(Math.min(remaining, settings.callTimeout().toNanos()), TimeUnit.NANOSECONDS);
            try (Response response = call.execute()) {
                if (response.isSuccessful()) {
                    return success(response, receipt);
                }
                OAuthError error = errorOf(response, secrets);
                if (!error.isTransient() || replay == Replay.NEVER || attempt >= retry.maxAttempts()) {
                    throw TokenEndpointErrors.toException(error, config.provider());
                }
                retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant());
                failure = TokenEndpointErrors.toException(error, config.provider());
            } catch (IOException e) {
                boolean reached = tracker.requestMayHaveReachedServer();
                boolean outOfTime = deadline - System.nanoTime() <= 0;
                ProviderUnavailableException unavailable = new ProviderUnavailableException(
                        (outOfTime ? NetworkFailures.pastDeadline(url, settings, attempt)
                                : NetworkFailures.describe(e, url, settings))
                                + (reached && replay == Replay.NEVER
                                ? "; the authorization code was not resent because it is single-use" : ""),
                        null, e);
                if ((reached && replay == Replay.NEVER) || attempt >= retry.maxAttempts()) {
                    throw unavailable;
                }
                retryAfter = Optional.empty();
                failure = unavailable;
            }
            RuntimeException lastFailure = failure;
            Duration delay = retry.delayAfter(attempt, retryAfter).orElseThrow(() -> lastFailure);
            if (System.nanoTime() + delay.toNanos() - deadline >= 0) {
                // The next attempt could not finish in time: the last failure is the answer.
                throw failure;
            }
            pause(delay, failure);
        }
    }

    /** Waits before the next attempt; if interrupted, the last attempt's failure is the answer. */
    private void pause(Duration delay, RuntimeException failure) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /** The most a revocation or one device-login request may take: a logout must not hang on it. */
    static final Duration SHORT_CALL = Duration.ofSeconds(10);

    @Override
    public void revoke(ProviderConfig config, Secret refreshToken) {
        URI endpoint = config.revocationEndpoint().orElseThrow(() -> new IllegalArgumentException("no revocation"));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("token", refreshToken.reveal());
        fields.put("token_type_hint", "refresh_token");
        fields.put("client_id", config.clientId());
        try (Response response = once(config, endpoint, "REVOCATION_ENDPOINT", fields, List.of(refreshToken.reveal()))) {
            if (!response.isSuccessful()) {
                throw TokenEndpointErrors.toException(errorOf(response, List.of(refreshToken.reveal())), config.provider());
            }
        } catch (IOException e) {
            throw unavailable(e, endpoint);
        }
    }

    @Override
    public DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
        ProviderConfig.DeviceEndpoints device = config.deviceEndpoints().orElseThrow();
        try (Response response = once(config, device.userCodeEndpoint(), "DEVICE_USERCODE_ENDPOINT",
                Map.of("client_id", config.clientId()), List.of())) {
            if (!response.isSuccessful()) {
                OAuthError error = errorOf(response, List.of());
                if (response.code() == 403 || response.code() == 404) {
                    // What OpenAI answers when device login is off for the account or the client.
                    throw new OAuthErrorException(OAuthError.of(error.code(), "device login is not available"
                            + " here (HTTP " + response.code() + "); turn it on in ChatGPT's security settings, or"
                            + " use the browser login", response.code()));
                }
                throw TokenEndpointErrors.toException(error, config.provider());
            }
            Map<String, Object> fields = fieldsOf(response);
            Object id = fields.get("device_auth_id");
            Object code = fields.containsKey("user_code") ? fields.get("user_code") : fields.get("usercode");
            if (!(id instanceof String deviceAuthId) || deviceAuthId.isBlank() || !(code instanceof String userCode)) {
                throw new InvalidTokenResponseException(Defect.INVALID_DEVICE_CODE);
            }
            try {
                return new DeviceAuthorization(config.provider(), Secret.of(deviceAuthId), userCode,
                        device.verificationUri(), interval(fields.get("interval")));
            } catch (IllegalArgumentException badCode) {
                throw new InvalidTokenResponseException(Defect.INVALID_DEVICE_CODE);
            }
        } catch (IOException e) {
            throw unavailable(e, device.userCodeEndpoint());
        }
    }

    @Override
    public DevicePoll pollDeviceAuthorization(ProviderConfig config, DeviceAuthorization device) {
        URI endpoint = config.deviceEndpoints().orElseThrow().tokenEndpoint();
        List<String> secrets = List.of(device.deviceAuthId().reveal());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("device_auth_id", device.deviceAuthId().reveal());
        fields.put("user_code", device.userCode());
        try (Response response = once(config, endpoint, "DEVICE_TOKEN_ENDPOINT", fields, secrets)) {
            // OpenAI answers 403 or 404 until the user has approved.
            if (response.code() == 403 || response.code() == 404) {
                return new DevicePoll.Pending();
            }
            if (response.code() == 429) {
                return new DevicePoll.SlowDown();
            }
            if (!response.isSuccessful()) {
                throw TokenEndpointErrors.toException(errorOf(response, secrets), config.provider());
            }
            Map<String, Object> answer = fieldsOf(response);
            if (answer.get("authorization_code") instanceof String code && AuthorizationCode.isWellFormed(code)
                    && answer.get("code_challenge") instanceof String challenge
                    && answer.get("code_verifier") instanceof String verifier && !verifier.isBlank()) {
                return new DevicePoll.CodeIssued(AuthorizationCode.of(code), challenge, Secret.of(verifier));
            }
            throw new InvalidTokenResponseException(Defect.INVALID_DEVICE_CODE);
        } catch (IOException e) {
            throw unavailable(e, endpoint);
        }
    }

    /** RFC 8628 §3.2: seconds; OpenAI sends a string or a number. Missing or nonsense: the default. */
    private static Duration interval(Object value) {
        try {
            long seconds = value instanceof Number number ? number.longValue()
                    : value instanceof String text ? Long.parseLong(text.trim()) : -1;
            return seconds > 0 && seconds <= 3600 ? Duration.ofSeconds(seconds) : DeviceAuthorization.DEFAULT_INTERVAL;
        } catch (NumberFormatException e) {
            return DeviceAuthorization.DEFAULT_INTERVAL;
        }
    }

    /**
     * One JSON POST of a call that may be repeated, bounded by {@link #SHORT_CALL} (and the operation
     * deadline); a pooled connection the server closed is replaced by a fresh one.
     */
    private Response once(ProviderConfig config, URI endpoint, String variableSuffix, Map<String, String> fields,
                          List<String> secrets) throws IOException {
        HttpUrl url = checked(config, endpoint, variableSuffix);
        Request request = new Request.Builder().url(url).post(body(TokenRequestFormat.JSON, fields))
                .header("Accept", "application/json")
                .header("User-Agent", settings.userAgent())
                .build();
        Call call = repeatable.newCall(request);
        long limit = Math.min(SHORT_CALL.toNanos(), settings.deadline().toNanos());
        call.timeout().timeout(limit, TimeUnit.NANOSECONDS);
        return call.execute();
    }

    private Map<String, Object> fieldsOf(Response response) throws IOException {
        LimitedBody body = read(response);
        try {
            Map<String, Object> fields = body.tooLarge() ? null : mapper.readValue(body.bytes(), MAP);
            if (fields == null) {
                throw new InvalidTokenResponseException(Defect.NOT_A_JSON_OBJECT);
            }
            return fields;
        } catch (JsonProcessingException e) {
            throw new InvalidTokenResponseException(Defect.NOT_A_JSON_OBJECT);
        }
    }

    private ProviderUnavailableException unavailable(IOException e, URI endpoint) {
        HttpUrl url = HttpUrl.parse(endpoint.toString());
        return new ProviderUnavailableException(NetworkFailures.describe(e, url, settings), null, e);
    }

    private HttpUrl endpoint(ProviderConfig config) {
        return checked(config, config.tokenEndpoint(), "TOKEN_ENDPOINT");
    }

    /**
     * The domain validated every endpoint already; where secrets are about to be sent, a second check
     * is cheap. {@code variableSuffix} names the setting to fix, e.g. TOKEN_ENDPOINT.
     */
    private static HttpUrl checked(ProviderConfig config, URI endpoint, String variableSuffix) {
        HttpUrl url = HttpUrl.parse(endpoint.toString());
        if (url == null || !ProviderConfigValidator.isSecureOrLoopback(endpoint)) {
            String variable = config.provider().name() + "_OAUTH_" + variableSuffix;
            throw new ConfigurationException(List.of(new ConfigProblem(config.provider(), variable,
                    ConfigProblem.Kind.INSECURE_ENDPOINT, variable + " must use https (http only on loopback)")));
        }
        return url;
    }

    /** The answer with its JWTs' claims, decoded here so that the domain gets them typed. */
    private TokenResponse withClaims(Map<String, Object> fields) {
        // The access token's exp is only a fallback for a missing expires_in: not read otherwise.
        return new TokenResponse(fields, jwts.idTokenClaims(fields.get("id_token")),
                fields.get("expires_in") == null ? jwts.expiry(fields.get("access_token")) : Optional.empty());
    }

    private TokenResponse success(Response response, AnswerReceipt receipt) throws IOException {
        LimitedBody body = read(response);
        if (body.tooLarge()) {
            throw new InvalidTokenResponseException(Defect.TOO_LARGE);
        }
        // Before anything else is done with it: the grant it answers is spent.
        receipt.received(body.bytes());
        return answer(body.bytes());
    }

    private TokenResponse answer(byte[] body) {
        if (body.length == 0) {
            throw new InvalidTokenResponseException(Defect.EMPTY);
        }
        try {
            Map<String, Object> fields = mapper.readValue(body, MAP);
            if (fields == null) {
                throw new InvalidTokenResponseException(Defect.NOT_A_JSON_OBJECT);
            }
            return withClaims(fields);
        } catch (IOException e) {
            throw new InvalidTokenResponseException(Defect.NOT_A_JSON_OBJECT);
        }
    }

    private OAuthError errorOf(Response response, List<String> secrets) throws IOException {
        int status = response.code();
        if (status >= 300 && status < 400) {
            return new OAuthError("unexpected_redirect", "the token endpoint answered HTTP " + status
                    + " (a redirect); check the token endpoint URL", status, OAuthError.Permanence.PERMANENT);
        }
        LimitedBody body = read(response);
        if (body.tooLarge()) {
            return OAuthError.of("http_error", "HTTP " + status + " with a body over 1 MiB", status);
        }
        return ErrorBodies.parse(mapper, status, body.bytes(), response.header("Content-Type"), secrets);
    }

    private record LimitedBody(byte[] bytes, boolean tooLarge) {
    }

    /** Reads at most 1 MiB + 1 byte, so a hostile or broken server cannot make us buffer without end. */
    private static LimitedBody read(Response response) throws IOException {
        BufferedSource source = response.body().source();
        boolean more = source.request(MAX_BODY_BYTES + 1);
        if (more) {
            return new LimitedBody(new byte[0], true);
        }
        return new LimitedBody(source.getBuffer().readByteArray(), false);
    }
}

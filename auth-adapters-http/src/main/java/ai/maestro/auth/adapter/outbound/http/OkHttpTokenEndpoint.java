package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.TokenRequestFormat;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.TokenEndpointErrors;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.Pauses;
import ai.maestro.auth.domain.token.TokenResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link TokenEndpointPort} over OkHttp and Jackson, in each provider's dialect (form-encoded for
 * OpenAI, JSON for Anthropic). Single-use grants go out once per connection that cannot have been
 * closed under them, and are never resent once they may have reached the server; what may be
 * repeated goes through {@link RepeatableCalls}.
 */
public final class OkHttpTokenEndpoint implements TokenEndpointPort {
    /** Which calls may be repeated after the request may have reached the server. */
    private enum Replay { NEVER, ON_TRANSIENT_FAILURE }

    private final OkHttpClient client;
    /**
     * For single-use grants (an authorization code, a refresh token): a new connection every time,
     * never one from a pool that the server may have closed a moment ago, so a grant is never lost
     * to a stale connection and the question of resending it never comes up. A grant is sent once an
     * hour or at a login: the extra handshake costs nothing that matters.
     */
    private final OkHttpClient fresh;
    private final RepeatableCalls repeatable;
    private final TokenAnswers answers;
    private final HttpSettings settings;
    private final RetryPolicy retry;
    private final Pauses pauses;
    private final Clock clock;
    private final AtomicBoolean warmedUp = new AtomicBoolean();

    public OkHttpTokenEndpoint(OkHttpClient client, HttpSettings settings, Clock clock) {
        this(client, settings, clock, Pauses.sleeping());
    }

    /** With {@code pauses} between attempts; tests pass one that records instead of sleeping. */
    public OkHttpTokenEndpoint(OkHttpClient client, HttpSettings settings, Clock clock,
                               Pauses pauses) {
        // Every request says what it accepts and who sends it, in one place.
        OkHttpClient speaking = client.newBuilder().addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                .header("Accept", "application/json").header("User-Agent", settings.userAgent()).build())).build();
        this.client = speaking;
        this.fresh = speaking.newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
        this.answers = new TokenAnswers(settings);
        this.repeatable = new RepeatableCalls(speaking.newBuilder().connectionPool(new ConnectionPool())
                .retryOnConnectionFailure(true).build(), answers, settings);
        this.settings = settings;
        this.retry = new RetryPolicy(settings);
        this.clock = clock;
        this.pauses = pauses;
    }

    @Override
    public TokenResponse exchangeAuthorizationCode(ProviderConfig config, AuthorizationSession session,
                                                   AuthorizationCode code) {
        return send(fresh, config, config.codeExchangeFormat(),
                new TokenRequest.AuthorizationCodeGrant(config, session, code), Replay.NEVER, answer -> { });
    }

    /** A refresh whose answer nobody keeps before it is parsed: for callers without a rotation log. */
    public TokenResponse refresh(ProviderConfig config, Secret refreshToken) {
        return refresh(config, refreshToken, answer -> { });
    }

    @Override
    public TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt) {
        warmUpAnswerPath();
        return send(fresh, config, config.refreshFormat(), new TokenRequest.RefreshGrant(config, refreshToken),
                Replay.ON_TRANSIENT_FAILURE, receipt);
    }

    @Override
    public TokenResponse readAnswer(byte[] body) {
        return answers.answer(body);
    }

    /**
     * Parses and validates a made-up answer once per process before the first refresh token is
     * spent: in a fresh CLI process that first pass costs milliseconds of class loading, and the
     * time between the real answer and its durable record is the window in which a crash loses a
     * rotation.
     */
    void warmUpAnswerPath() {
        if (warmedUp.compareAndSet(false, true)) {
            try {
                Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
                String jwt = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                        + base64.encodeToString(("{\"exp\":" + (clock.instant().getEpochSecond() + 3600) + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".x";
                byte[] answer = ("{\"access_token\":\"" + jwt + "\",\"refresh_token\":\"warm-up\","
                        + "\"expires_in\":3600,\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8);
                AnswerPathWarmUp.run(fresh, answer, response -> answers.success(response, body -> { })
                        .validate(clock.instant()));
            } catch (IOException | RuntimeException ignored) {
                // Only a warm-up.
            }
        }
    }

    @Override
    public TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken) {
        return send(client, config, TokenRequestFormat.FORM, new TokenRequest.IdTokenExchange(config, idToken),
                Replay.ON_TRANSIENT_FAILURE, answer -> { });
    }

    @Override
    public void revoke(ProviderConfig config, Secret refreshToken) {
        repeatable.revoke(config, refreshToken);
    }

    @Override
    public DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
        return repeatable.startDeviceAuthorization(config);
    }

    @Override
    public DevicePoll pollDeviceAuthorization(ProviderConfig config, DeviceAuthorization device) {
        return repeatable.pollDeviceAuthorization(config, device);
    }

    /**
     * Sends {@code request} until it is answered, within one deadline for all attempts: a transient
     * failure is retried (after Retry-After, when said) only when {@code replay} allows it, and a
     * single-use grant never once it may have reached the server.
     */
    private TokenResponse send(OkHttpClient through, ProviderConfig config, TokenRequestFormat format,
                               TokenRequest request, Replay replay, AnswerReceipt receipt) {
        HttpUrl url = TokenAnswers.checked(config, config.tokenEndpoint(), "TOKEN_ENDPOINT");
        RequestBody body = answers.body(format, request);
        List<String> secrets = request.secrets();
        // One bound for the whole operation: a server that never answers, or drips its answer, costs
        // at most the deadline, not attempts x call timeout.
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        for (int attempt = 1; ; attempt++) {
            long remaining = deadline - System.nanoTime();
            OkHttpClients.SendTracker tracker = new OkHttpClients.SendTracker();
            Request http = new Request.Builder().url(url).post(body).tag(OkHttpClients.SendTracker.class, tracker)
                    .build();
            Optional<Duration> retryAfter;
            RuntimeException failure;
            Call call = through.newCall(http);
            call.timeout().timeout(Math.min(remaining, settings.callTimeout().toNanos()), TimeUnit.NANOSECONDS);
            try (Response response = call.execute()) {
                if (response.isSuccessful()) {
                    return answers.success(response, receipt);
                }
                OAuthError error = answers.errorOf(response, secrets);
                if (!error.isTransient() || replay == Replay.NEVER || attempt >= retry.maxAttempts()) {
                    throw TokenEndpointErrors.toException(error, config.provider());
                }
                retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant());
                failure = TokenEndpointErrors.toException(error, config.provider());
            } catch (IOException e) {
                boolean reached = tracker.requestMayHaveReachedServer();
                ProviderUnavailableException unavailable = unreachable(e, url, attempt,
                        deadline - System.nanoTime() <= 0, reached && replay == Replay.NEVER);
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

    /** A network failure, said as the user can act on it; a code that may have arrived is never resent. */
    private ProviderUnavailableException unreachable(IOException e, HttpUrl url, int attempt, boolean outOfTime,
                                                     boolean codeSpent) {
        return new ProviderUnavailableException((outOfTime ? NetworkFailures.pastDeadline(url, settings, attempt)
                : NetworkFailures.describe(e, url, settings))
                + (codeSpent ? "; the authorization code was not resent because it is single-use" : ""), null, e);
    }

    /** Waits before the next attempt; if interrupted, the last attempt's failure is the answer. */
    private void pause(Duration delay, RuntimeException failure) {
        try {
            pauses.pause(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }
}

package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.TokenRequestFormat;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException.Defect;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.error.TokenEndpointErrors;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The calls that may be sent twice, on a client of their own (connections apart from the grants',
 * retried once on a fresh one when the server had closed a pooled one), each bounded by
 * {@link #SHORT_CALL}: revocation and the device login's requests and polls.
 */
final class RepeatableCalls {
    /** The most a revocation or one device-login request may take: a logout must not hang on it. */
    static final Duration SHORT_CALL = Duration.ofSeconds(10);

    private final OkHttpClient client;
    private final TokenAnswers answers;
    private final HttpSettings settings;

    RepeatableCalls(OkHttpClient client, TokenAnswers answers, HttpSettings settings) {
        this.client = client;
        this.answers = answers;
        this.settings = settings;
    }

    void revoke(ProviderConfig config, Secret refreshToken) {
        URI endpoint = config.revocationEndpoint().orElseThrow(() -> new IllegalArgumentException("no revocation"));
        TokenRequest.Revocation request = new TokenRequest.Revocation(config, refreshToken);
        try (Response response = once(config, endpoint, "REVOCATION_ENDPOINT", request)) {
            if (!response.isSuccessful()) {
                throw TokenEndpointErrors.toException(answers.errorOf(response, request.secrets()), config.provider());
            }
        } catch (IOException e) {
            throw answers.unavailable(e, endpoint);
        }
    }

    DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
        ProviderConfig.DeviceEndpoints device = config.deviceEndpoints().orElseThrow();
        TokenRequest request = new TokenRequest.DeviceCodeRequest(config);
        try (Response response = once(config, device.userCodeEndpoint(), "DEVICE_USERCODE_ENDPOINT", request)) {
            if (!response.isSuccessful()) {
                OAuthError error = answers.errorOf(response, request.secrets());
                if (response.code() == 403 || response.code() == 404) {
                    // What OpenAI answers when device login is off for the account or the client.
                    throw new OAuthErrorException(OAuthError.of(error.code(), "device login is not available"
                            + " here (HTTP " + response.code() + "); turn it on in ChatGPT's security settings, or"
                            + " use the browser login", response.code()));
                }
                throw TokenEndpointErrors.toException(error, config.provider());
            }
            Map<String, Object> fields = answers.fieldsOf(response);
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
            throw answers.unavailable(e, device.userCodeEndpoint());
        }
    }

    DevicePoll pollDeviceAuthorization(ProviderConfig config, DeviceAuthorization device) {
        URI endpoint = config.deviceEndpoints().orElseThrow().tokenEndpoint();
        TokenRequest request = new TokenRequest.DeviceTokenPoll(device);
        try (Response response = once(config, endpoint, "DEVICE_TOKEN_ENDPOINT", request)) {
            // OpenAI answers 403 or 404 until the user has approved.
            if (response.code() == 403 || response.code() == 404) {
                return new DevicePoll.Pending();
            }
            if (response.code() == 429) {
                return new DevicePoll.SlowDown();
            }
            if (!response.isSuccessful()) {
                throw TokenEndpointErrors.toException(answers.errorOf(response, request.secrets()), config.provider());
            }
            Map<String, Object> answer = answers.fieldsOf(response);
            if (answer.get("authorization_code") instanceof String code && AuthorizationCode.isWellFormed(code)
                    && answer.get("code_challenge") instanceof String challenge
                    && answer.get("code_verifier") instanceof String verifier && !verifier.isBlank()) {
                return new DevicePoll.CodeIssued(AuthorizationCode.of(code), challenge, Secret.of(verifier));
            }
            throw new InvalidTokenResponseException(Defect.INVALID_DEVICE_CODE);
        } catch (IOException e) {
            throw answers.unavailable(e, endpoint);
        }
    }

    /** RFC 8628 section 3.2: seconds; OpenAI sends a string or a number. Missing or nonsense: the default. */
    private static Duration interval(Object value) {
        try {
            long seconds = value instanceof Number number ? number.longValue()
                    : value instanceof String text ? Long.parseLong(text.trim()) : -1;
            return seconds > 0 && seconds <= 3600 ? Duration.ofSeconds(seconds) : DeviceAuthorization.DEFAULT_INTERVAL;
        } catch (NumberFormatException e) {
            return DeviceAuthorization.DEFAULT_INTERVAL;
        }
    }

    /** One JSON POST, bounded by {@link #SHORT_CALL} (and the operation deadline). */
    private Response once(ProviderConfig config, URI endpoint, String variableSuffix, TokenRequest request)
            throws IOException {
        Request http = new Request.Builder().url(TokenAnswers.checked(config, endpoint, variableSuffix))
                .post(answers.body(TokenRequestFormat.JSON, request)).build();
        Call call = client.newCall(http);
        call.timeout().timeout(Math.min(SHORT_CALL.toNanos(), settings.deadline().toNanos()), TimeUnit.NANOSECONDS);
        return call.execute();
    }
}

package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;

/**
 * The provider's token endpoint. Implementations return the wire answer unvalidated (the domain
 * validates it) and report failures as
 * {@link ai.maestro.auth.domain.error.ReloginRequiredException},
 * {@link ai.maestro.auth.domain.error.ProviderUnavailableException} or
 * {@link ai.maestro.auth.domain.error.OAuthErrorException}, via {@link ai.maestro.auth.domain.OAuthError#toException}.
 */
public interface TokenEndpointPort {

    /** RFC 6749 §4.1.3 with the PKCE verifier. Sent at most once: a code is single-use. */
    TokenResponse exchangeAuthorizationCode(ProviderConfig config, AuthorizationSession session, AuthorizationCode code);

    /**
     * RFC 6749 §6 (the provider may rotate the refresh token), handing a successful answer's body to {@code receipt} the moment its last byte has
     * arrived, before anything else is done with it: once the provider has answered, the old refresh
     * token is spent, and a process that dies before the new one is durable logs the account out.
     */
    TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt);

    /**
     * Reads a successful answer's body that {@link #refresh(ProviderConfig, Secret, AnswerReceipt)}
     * handed to its receipt, exactly as that call would have read it.
     */
    TokenResponse readAnswer(byte[] body);

    /** Takes the raw body of a token endpoint's successful answer; see {@link #refresh(ProviderConfig, Secret, AnswerReceipt)}. */
    @FunctionalInterface
    interface AnswerReceipt {
        void received(byte[] body);
    }

    /** RFC 8693 token exchange of an id_token for an API key (OpenAI); the key is the access_token. */
    TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken);

    /**
     * RFC 7009: asks the provider to forget a refresh token (and what it granted). Returns normally
     * when the provider accepted; one attempt, since a logout must not wait long for it.
     */
    void revoke(ProviderConfig config, Secret refreshToken);

    /** Starts a device login: a user code for the user to type, and what to poll with. */
    DeviceAuthorization startDeviceAuthorization(ProviderConfig config);

    /** Asks once whether the user has approved the device login. */
    DevicePoll pollDeviceAuthorization(ProviderConfig config, DeviceAuthorization device);
}

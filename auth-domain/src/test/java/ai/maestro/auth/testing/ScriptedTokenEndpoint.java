package ai.maestro.auth.testing;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A TokenEndpointPort that answers from a script and records what it was asked. */
public final class ScriptedTokenEndpoint implements TokenEndpointPort {
    /** One call the service made. */
    public record Call(String grant, String credential, String codeVerifier) {
    }

    public final List<Call> calls = new ArrayList<>();
    private Supplier<TokenResponse> answer;

    public ScriptedTokenEndpoint answering(Supplier<TokenResponse> answer) {
        this.answer = answer;
        return this;
    }

    @Override
    public synchronized TokenResponse exchangeAuthorizationCode(ProviderConfig config, AuthorizationSession session,
                                                                AuthorizationCode code) {
        calls.add(new Call("authorization_code", code.value().reveal(), session.pkce().codeVerifier().reveal()));
        return answer.get();
    }

    @Override
    public synchronized TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt) {
        calls.add(new Call("refresh_token", refreshToken.reveal(), null));
        TokenResponse response = answer.get();
        // The wire body stands in as a name the scripted answer is kept under, as a real one is read again.
        String body = "answer-" + answered.size();
        answered.put(body, response);
        receipt.received(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return response;
    }

    private final java.util.Map<String, TokenResponse> answered = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public TokenResponse readAnswer(byte[] body) {
        TokenResponse response = answered.get(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        if (response == null) {
            throw new AssertionError("no such answer was given");
        }
        return response;
    }

    @Override
    public synchronized TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken) {
        calls.add(new Call("token-exchange", idToken.reveal(), null));
        return answer.get();
    }

    @Override
    public synchronized void revoke(ProviderConfig config, Secret refreshToken) {
        calls.add(new Call("revoke", refreshToken.reveal(), null));
    }

    @Override
    public ai.maestro.auth.domain.DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
        throw new AssertionError("device login is not scripted here");
    }

    @Override
    public ai.maestro.auth.domain.DevicePoll pollDeviceAuthorization(ProviderConfig config,
                                                                     ai.maestro.auth.domain.DeviceAuthorization device) {
        throw new AssertionError("device login is not scripted here");
    }
}

package ai.maestro.auth.app.wiring;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import java.util.function.Supplier;

/**
 * The token endpoint, built on its first call: commands that never talk to the provider (status, a
 * cached token, config) skip building the HTTP client and its TLS trust store, a third of their
 * start-up.
 */
final class LazyTokenEndpoint implements TokenEndpointPort {
    private final Supplier<TokenEndpointPort> delegate;

    LazyTokenEndpoint(Supplier<TokenEndpointPort> factory) {
        this.delegate = com.google.common.base.Suppliers.memoize(factory::get);
    }

    private TokenEndpointPort delegate() {
        return delegate.get();
    }

    @Override
    public TokenResponse exchangeAuthorizationCode(ProviderConfig config, AuthorizationSession session,
                                                   AuthorizationCode code) {
        return delegate().exchangeAuthorizationCode(config, session, code);
    }

    @Override
    public TokenResponse refresh(ProviderConfig config, Secret refreshToken, AnswerReceipt receipt) {
        return delegate().refresh(config, refreshToken, receipt);
    }

    @Override
    public TokenResponse readAnswer(byte[] body) {
        return delegate().readAnswer(body);
    }

    @Override
    public TokenResponse exchangeIdTokenForApiKey(ProviderConfig config, Secret idToken) {
        return delegate().exchangeIdTokenForApiKey(config, idToken);
    }

    @Override
    public void revoke(ProviderConfig config, Secret refreshToken) {
        delegate().revoke(config, refreshToken);
    }

    @Override
    public DeviceAuthorization startDeviceAuthorization(ProviderConfig config) {
        return delegate().startDeviceAuthorization(config);
    }

    @Override
    public DevicePoll pollDeviceAuthorization(ProviderConfig config, DeviceAuthorization device) {
        return delegate().pollDeviceAuthorization(config, device);
    }
}

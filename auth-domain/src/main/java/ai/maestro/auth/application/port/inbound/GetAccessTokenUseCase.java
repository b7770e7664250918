package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Secret;

/**
 * A valid access token of an account, refreshed first when due (one refresh across every process
 * sharing the store); or, for {@code API_KEY}, the stored API key.
 */
public interface GetAccessTokenUseCase {
    Secret accessToken(AccessTokenQuery query);
}

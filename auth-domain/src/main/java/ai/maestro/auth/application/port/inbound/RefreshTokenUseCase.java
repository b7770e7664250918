package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.OAuthToken;

/** Refresh an account's tokens now, even when still valid (unless another process just did). */
public interface RefreshTokenUseCase {
    /** The account refreshed and its new tokens. */
    record Refreshed(Account account, OAuthToken token) {
    }

    Refreshed refresh(AccountChoice account);
}

package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Verification;

/** One cheap authenticated request with a stored credential, to prove it works. */
public interface VerifyCredentialUseCase {
    /** The account whose credential was used, and the provider's answer. */
    record Verified(Account account, Verification answer) {
    }

    Verified verify(AccountChoice account, AuthType authType);
}

package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;

/** Exchange an account's stored id_token for an API key (OpenAI, RFC 8693) and store it; the account. */
public interface ObtainApiKeyUseCase {
    Account obtainApiKey(AccountChoice account);
}

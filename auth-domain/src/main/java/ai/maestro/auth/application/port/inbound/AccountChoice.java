package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.ProviderId;
import java.util.Objects;
import java.util.Optional;

/**
 * Which stored account a use case acts on: a provider and, optionally, a label, e-mail or account
 * id; none means the provider's default account.
 */
public record AccountChoice(ProviderId provider, Optional<String> selector) {
    public AccountChoice {
        Objects.requireNonNull(provider, "provider");
        selector = Objects.requireNonNull(selector, "selector").map(String::strip).filter(s -> !s.isEmpty());
    }

    /** The provider's default account. */
    public static AccountChoice defaultOf(ProviderId provider) {
        return new AccountChoice(provider, Optional.empty());
    }
}

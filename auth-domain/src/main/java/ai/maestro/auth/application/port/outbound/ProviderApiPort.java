package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.UsageReport;
import ai.maestro.auth.domain.Verification;
import java.util.Optional;

/** Authenticated calls to a provider's own API with a stored credential (not the token endpoint). */
public interface ProviderApiPort {
    /** One cheap GET with the credential of {@code accountId} (the default account when empty). */
    Verification verify(ProviderId provider, Optional<String> accountId, AuthType type);

    /** The OpenAI sign-in's plan, rate-limit windows and credits, for {@code accountId} (the default when empty). */
    UsageReport usage(Optional<String> accountId);
}

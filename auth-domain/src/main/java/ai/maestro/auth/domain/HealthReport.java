package ai.maestro.auth.domain;

import java.util.List;
import java.util.Objects;

/**
 * The health of every stored credential, and of maestro-auth as a whole (the worst of them, or
 * {@code DOWN} with the reason when the store itself cannot be read).
 */
public record HealthReport(CredentialHealth.Status status, String reason, List<CredentialHealth> credentials) {
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        credentials = List.copyOf(credentials);
    }
}

package ai.maestro.auth.domain;

import java.util.Objects;

/**
 * How one stored credential stands, from what the store and this process know (the provider is
 * never asked): its status, one line saying why, and the next step when there is one.
 */
public record CredentialHealth(CredentialKey key, String label, Status status, String reason, String nextStep) {
    /** Ordered from best to worst. */
    public enum Status {
        /** Serves tokens, refreshes work. */
        UP,
        /** Serves tokens for now, but refreshes fail transiently, a rotation is pending elsewhere, or it expires soon with no refresh possible. */
        DEGRADED,
        /** Cannot serve a token until someone acts: a new login, the store, the key. */
        DOWN;

        public Status worse(Status other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    public CredentialHealth {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(nextStep, "nextStep");
    }
}

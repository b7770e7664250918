package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.CredentialHealth;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.IdTokenClaims;
import java.util.List;
import java.util.Optional;

/**
 * The store as status shows it: each credential with its sign-in's claims (an API key's are its
 * account's sign-in's) and health, rows a newer version wrote ({@code provider/auth_type}), and
 * where the encryption key comes from.
 */
public record StoreStatus(List<Entry> entries, List<String> unrecognizedRows, String keySource) {
    public StoreStatus {
        java.util.Objects.requireNonNull(keySource, "keySource");
        entries = List.copyOf(entries);
        unrecognizedRows = List.copyOf(unrecognizedRows);
    }

    /** One credential; {@code unreadable} when its sign-in could not be decrypted. */
    public record Entry(CredentialSummary summary, Optional<IdTokenClaims> claims, boolean refreshable,
                        Optional<Unreadable> unreadable, CredentialHealth health) {
    }

    /** A row that does not decrypt, and the id of the key it was written with when known. */
    public record Unreadable(Optional<String> keyId) {
    }
}

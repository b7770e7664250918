package ai.maestro.auth.domain.error;

import java.util.Optional;

/** The credential store cannot be read or written (wrong key, tampered row, database down). */
public final class CredentialStoreException extends AuthException {
    private final String keyId;

    public CredentialStoreException(String problem, String keyId, String nextStep, Throwable cause) {
        super(problem, nextStep, cause);
        this.keyId = keyId;
    }

    /** The encryption key id involved, when the problem is about a key. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }
}

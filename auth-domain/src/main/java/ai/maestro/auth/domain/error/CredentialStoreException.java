package ai.maestro.auth.domain.error;

import java.util.Optional;

/** The credential store cannot be read or written (wrong key, tampered row, database down). */
public final class CredentialStoreException extends AuthException {
    private final String keyId;
    private final boolean lockWait;

    public CredentialStoreException(String problem, String keyId, String nextStep, Throwable cause) {
        this(problem, keyId, nextStep, cause, false);
    }

    private CredentialStoreException(String problem, String keyId, String nextStep, Throwable cause,
                                     boolean lockWait) {
        super(problem, nextStep, cause);
        this.keyId = keyId;
        this.lockWait = lockWait;
    }

    /** Another process held a lock longer than this one may wait: the store itself works. */
    public static CredentialStoreException lockHeldTooLong(String problem, String nextStep) {
        return new CredentialStoreException(problem, null, nextStep, null, true);
    }

    public boolean isLockWait() {
        return lockWait;
    }

    /** The encryption key id involved, when the problem is about a key. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }
}

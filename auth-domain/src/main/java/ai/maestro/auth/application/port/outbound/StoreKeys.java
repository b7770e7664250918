package ai.maestro.auth.application.port.outbound;

/** The store's encryption key: where it comes from, re-encrypting under a new one, moving it. */
public interface StoreKeys {
    /** Where the key is read from, and why (a keyring that did not answer is never a silent fallback). */
    String describeKeySource();

    /** Re-encrypts every row under the first configured key; how many rows changed. */
    int reencryptAll();

    /** Moves the data directory's key into {@code place} ({@code keyring} or {@code file}); what was done. */
    String moveKey(String place);
}

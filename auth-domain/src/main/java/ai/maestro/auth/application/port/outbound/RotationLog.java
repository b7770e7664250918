package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;

/** Makes a rotated refresh token durable the moment the provider has answered. */
public interface RotationLog {
    /**
     * Called under the refresh lock before the refresh token of {@code current} is spent: makes sure
     * the rotated credential will have a durable place, or throws
     * {@link ai.maestro.auth.domain.error.CredentialStoreException} so that nothing is spent.
     */
    void prepareRotation(SavedAuthentication current);

    /**
     * Makes the token endpoint's answer to the refresh of {@code current} durable exactly as it
     * arrived (encrypted, forced to disk) before it is parsed: the first thing done with it. Best
     * effort: when it fails, {@link #commitRotation} still keeps the parsed credential.
     */
    void recordAnswer(SavedAuthentication current, byte[] answer);

    /** An answer as {@link #recordAnswer} kept it, with when it arrived (its lifetimes count from then). */
    record RecordedAnswer(byte[] body, java.time.Instant receivedAt) {
        public RecordedAnswer {
            body = body.clone();
            java.util.Objects.requireNonNull(receivedAt, "receivedAt");
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public String toString() {
            return "RecordedAnswer[" + body.length + " bytes, received at " + receivedAt + "]";
        }
    }

    /**
     * An answer {@link #recordAnswer} kept for a refresh of exactly {@code current} (same row
     * version) whose result never reached the store: the holder died or lost the store after the
     * provider answered. Its refresh token is spent; the answer is the only way on.
     */
    java.util.Optional<RecordedAnswer> recordedAnswer(SavedAuthentication current);

    /**
     * Saves a rotated credential like a compare-and-swap save, but durably first: a failing database
     * is retried for a bounded time, and a rotation that cannot reach the store is kept where the next
     * holder of the refresh lock applies it. Throws
     * {@link ai.maestro.auth.domain.error.CredentialStoreException} when it is not in the store.
     */
    SaveResult commitRotation(SavedAuthentication candidate);

    /** The refresh did not produce a credential: releases what {@link #prepareRotation} took. */
    void abandonRotation(CredentialKey key);

    /**
     * Keeps how the last refresh of {@code key} ended with its row, for status and health. Best
     * effort: a store that cannot take it (the very failure it may record) loses only the record.
     */
    void recordRefresh(CredentialKey key, RefreshRecord record);
}

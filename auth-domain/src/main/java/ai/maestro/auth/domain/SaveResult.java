package ai.maestro.auth.domain;

/** The outcome of a compare-and-swap save. */
public sealed interface SaveResult {
    /** Written; {@code stored.version()} is the new version. */
    record Saved(SavedAuthentication stored) implements SaveResult {
    }

    /** Someone else wrote first; the row is at {@code currentVersion} (0 when it was deleted). */
    record Conflict(long currentVersion) implements SaveResult {
    }
}

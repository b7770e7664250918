package ai.maestro.auth.domain;

import java.util.Locale;

/** How one refresh attempt ended; {@link #tag()} is the stable value meters, JSON and the store use. */
public enum RefreshOutcome {
    /** The provider rotated the tokens and they are stored. */
    SUCCESS,
    /** The provider refused the refresh token for good (invalid_grant, reuse, revoked): a new login is needed. */
    DEAD_GRANT,
    /** The token endpoint could not be reached or answered a transient error. */
    UNAVAILABLE,
    /** The provider answered, but the answer was not acceptable (malformed, absurd values). */
    REFUSED,
    /** The provider answered but the store could not take the result, or could not be read. */
    STORE_FAILURE,
    /** Another process held the refresh lock for longer than this one could wait. */
    LOCK_TIMEOUT,
    /** A refresh whose holder ended without a result (killed, or cut off from the database): its lease ran out and another process took it over. */
    LEASE_EXPIRED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean failed() {
        return this != SUCCESS;
    }

    /** The outcome a stored tag names, for a tag this version knows. */
    public static java.util.Optional<RefreshOutcome> ofTag(String tag) {
        for (RefreshOutcome outcome : values()) {
            if (outcome.tag().equals(tag)) {
                return java.util.Optional.of(outcome);
            }
        }
        return java.util.Optional.empty();
    }
}

package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.RefreshOutcome;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.RefreshTrigger;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import java.time.Clock;
import java.time.Duration;

/** How a refresh attempt ended, kept with its row and told to the meters and the log; a dead grant marked. */
final class RefreshEnds {
    private final CredentialRows rows;
    private final RotationLog log;
    private final AuthEvents events;
    private final Clock clock;

    RefreshEnds(CredentialRows rows, RotationLog log, AuthEvents events, Clock clock) {
        this.rows = rows;
        this.log = log;
        this.events = events;
        this.clock = clock;
    }

    /** One refresh attempt ended: kept with the row (best effort) and told to the meters and the log. */
    void ended(CredentialKey key, RefreshTrigger need, long startedNanos, RefreshRecord record) {
        try {
            if (record.outcome() != RefreshOutcome.STORE_FAILURE) {
                // The store has just failed: recording that there would wait on it again for nothing.
                log.recordRefresh(key, record);
            }
            events.refreshEnded(key, need, record, Duration.ofNanos(System.nanoTime() - startedNanos));
        } catch (RuntimeException lost) {
            // Meters and records must never change what the caller gets.
        }
    }

    /** The provider's error code as a reason may quote it: letters, digits and underscores only. */
    static String code(ReloginRequiredException e) {
        return e.error().map(err -> err.code().replaceAll("[^A-Za-z0-9_]", ""))
                .filter(c -> !c.isEmpty() && c.length() <= 40).map(c -> " (" + c + ")").orElse("");
    }

    /** The grant is dead: the row is marked so that every process asks for a login instead of refreshing. */
    void markForRelogin(SavedAuthentication row, ReloginRequiredException e) {
        String reason = e.error().map(err -> err.code()).orElse("refresh failed");
        // A conflict means someone wrote a newer credential, which must not be marked.
        if (rows.save(row.markedForRelogin(new ReloginMark(reason, clock.instant()), clock.instant()))
                instanceof SaveResult.Saved) {
            events.reloginMarked(row.key(), reason);
        }
    }
}

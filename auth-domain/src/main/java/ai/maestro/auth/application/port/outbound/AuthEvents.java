package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.RefreshTrigger;
import java.time.Duration;

/**
 * What happened, for meters and the event log: each call is one event. Implementations must be
 * cheap and must never throw; they never receive a secret.
 */
public interface AuthEvents {
    /** A refresh attempt of {@code key} ended as {@code record} says, {@code took} after it began. */
    void refreshEnded(CredentialKey key, RefreshTrigger trigger, RefreshRecord record, Duration took);

    /** The API rejected an access token (401); {@code recovered} when a retry with a new one was possible. */
    void requestRejected(ProviderId provider, boolean recovered);

    /** A login of {@code provider} by {@code flow} ({@code loopback}, {@code paste}, {@code device}) ended. */
    void loginEnded(ProviderId provider, String flow, String outcome, Duration took);

    /** The credential of {@code key} was removed. */
    void loggedOut(CredentialKey key);

    /** The credential of {@code key} was marked: a new login is needed. */
    void reloginMarked(CredentialKey key, String reason);

    /** Events that go nowhere: for embedders that bind none. */
    static AuthEvents none() {
        return new AuthEvents() {
            @Override
            public void refreshEnded(CredentialKey key, RefreshTrigger trigger, RefreshRecord record, Duration took) {
            }

            @Override
            public void requestRejected(ProviderId provider, boolean recovered) {
            }

            @Override
            public void loginEnded(ProviderId provider, String flow, String outcome, Duration took) {
            }

            @Override
            public void loggedOut(CredentialKey key) {
            }

            @Override
            public void reloginMarked(CredentialKey key, String reason) {
            }
        };
    }
}

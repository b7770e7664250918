package ai.maestro.auth.app.observe;

import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.RefreshTrigger;
import java.time.Duration;
import java.util.List;

/** Tells every one of {@code sinks}; one that throws never keeps the others from hearing, nor the caller from going on. */
public record BothEvents(List<AuthEvents> sinks) implements AuthEvents, ai.maestro.auth.application.port.outbound.HostEvents {
    public BothEvents {
        sinks = List.copyOf(sinks);
    }

    private void each(java.util.function.Consumer<AuthEvents> event) {
        for (AuthEvents sink : sinks) {
            try {
                event.accept(sink);
            } catch (RuntimeException ignored) {
                // Observability must never change an outcome.
            }
        }
    }

    @Override
    public void refreshEnded(CredentialKey key, RefreshTrigger trigger, RefreshRecord record, Duration took) {
        each(s -> s.refreshEnded(key, trigger, record, took));
    }

    @Override
    public void requestRejected(ProviderId provider, boolean recovered) {
        each(s -> s.requestRejected(provider, recovered));
    }

    @Override
    public void loginEnded(ProviderId provider, String flow, String outcome, Duration took) {
        each(s -> s.loginEnded(provider, flow, outcome, took));
    }

    @Override
    public void loggedOut(CredentialKey key) {
        each(s -> s.loggedOut(key));
    }

    @Override
    public void reloginMarked(CredentialKey key, String reason) {
        each(s -> s.reloginMarked(key, reason));
    }

    @Override
    public void hostStarted(int port) {
        eachHost(s -> s.hostStarted(port));
    }

    @Override
    public void hostRequest(String provider, String outcome) {
        eachHost(s -> s.hostRequest(provider, outcome));
    }

    @Override
    public void hostStopped(int port) {
        eachHost(s -> s.hostStopped(port));
    }

    private void eachHost(java.util.function.Consumer<ai.maestro.auth.application.port.outbound.HostEvents> event) {
        each(sink -> {
            if (sink instanceof ai.maestro.auth.application.port.outbound.HostEvents host) {
                event.accept(host);
            }
        });
    }
}

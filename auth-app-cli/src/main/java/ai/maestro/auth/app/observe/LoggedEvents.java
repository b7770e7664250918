package ai.maestro.auth.app.observe;

import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.RefreshTrigger;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per login, logout, refresh and relogin mark, with key-value pairs where the logging
 * backend keeps them (SLF4J 2's fluent API), so that a log pipeline can count them. The account is
 * named by its lock name (provider and a hash of the id), never by its id or e-mail.
 */
public final class LoggedEvents implements AuthEvents, ai.maestro.auth.application.port.outbound.HostEvents {
    private static final Logger LOG = LoggerFactory.getLogger("ai.maestro.auth.events");

    @Override
    public void refreshEnded(CredentialKey key, RefreshTrigger trigger, RefreshRecord record, Duration took) {
        LOG.atInfo().setMessage("refresh {} {}: {} in {} ms")
                .addArgument(key.provider().cliName()).addArgument(key.accountName())
                .addArgument(record.outcome().tag()).addArgument(took.toMillis())
                .addKeyValue("event", "refresh").addKeyValue("provider", key.provider().cliName())
                .addKeyValue("account", key.accountName()).addKeyValue("outcome", record.outcome().tag())
                .addKeyValue("trigger", trigger.tag()).addKeyValue("duration_ms", took.toMillis()).log();
    }

    @Override
    public void requestRejected(ProviderId provider, boolean recovered) {
        LOG.atInfo().setMessage("{} rejected an access token; {}").addArgument(provider.cliName())
                .addArgument(recovered ? "retried with a new one" : "not recovered")
                .addKeyValue("event", "rejected").addKeyValue("provider", provider.cliName())
                .addKeyValue("recovered", recovered).log();
    }

    @Override
    public void loginEnded(ProviderId provider, String flow, String outcome, Duration took) {
        LOG.atInfo().setMessage("login {} ({}): {} in {} ms").addArgument(provider.cliName()).addArgument(flow)
                .addArgument(outcome).addArgument(took.toMillis())
                .addKeyValue("event", "login").addKeyValue("provider", provider.cliName())
                .addKeyValue("flow", flow).addKeyValue("outcome", outcome).addKeyValue("duration_ms", took.toMillis())
                .log();
    }

    @Override
    public void loggedOut(CredentialKey key) {
        LOG.atInfo().setMessage("logout {} {}").addArgument(key.provider().cliName()).addArgument(key.accountName())
                .addKeyValue("event", "logout").addKeyValue("provider", key.provider().cliName())
                .addKeyValue("account", key.accountName()).log();
    }

    @Override
    public void reloginMarked(CredentialKey key, String reason) {
        LOG.atInfo().setMessage("relogin required {} {}").addArgument(key.provider().cliName())
                .addArgument(key.accountName())
                .addKeyValue("event", "relogin_required").addKeyValue("provider", key.provider().cliName())
                .addKeyValue("account", key.accountName()).log();
    }

    @Override
    public void hostStarted(int port) {
        LOG.atInfo().setMessage("token host listening on 127.0.0.1:{}").addArgument(port)
                .addKeyValue("event", "host_started").addKeyValue("port", port).log();
    }

    /** Served requests are counted by the meters only (there may be thousands); refusals are said. */
    @Override
    public void hostRequest(String provider, String outcome) {
        if (!"served".equals(outcome)) {
            LOG.atInfo().setMessage("token host: a request for {} was answered {}").addArgument(provider)
                    .addArgument(outcome).addKeyValue("event", "host_request").addKeyValue("provider", provider)
                    .addKeyValue("outcome", outcome).log();
        }
    }

    @Override
    public void hostStopped(int port) {
        LOG.atInfo().setMessage("token host on 127.0.0.1:{} stopped").addArgument(port)
                .addKeyValue("event", "host_stopped").addKeyValue("port", port).log();
    }
}

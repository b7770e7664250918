package ai.maestro.auth.adapter.inbound.callback;

import ai.maestro.auth.domain.Secret;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Optional;

/** Asks a login waiting on a loopback port to stop. */
public final class CancelRequests {
    private CancelRequests() {
    }

    /**
     * Asks a receiver left over from an earlier login to stop ({@code GET /cancel}). With the earlier
     * login's secret, a maestro-auth receiver stops; without it, only a receiver that accepts a plain
     * cancel (the Codex CLI's) does.
     */
    public static boolean cancelRunning(int port, Optional<Secret> secret) {
        try {
            var connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/cancel").toURL()
                    .openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            secret.ifPresent(value -> connection.setRequestProperty(LoopbackCallbackReceiver.CANCEL_HEADER, value.reveal()));
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }
}

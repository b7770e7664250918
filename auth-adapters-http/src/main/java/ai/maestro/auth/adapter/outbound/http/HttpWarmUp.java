package ai.maestro.auth.adapter.outbound.http;

import java.time.Clock;

/**
 * For a login: builds an HTTP client and passes a made-up token answer through it
 * ({@link AnswerPathWarmUp}: a socket in memory, nothing sent anywhere) on another core while the
 * user is in the browser. OkHttp, its TLS set-up, the JSON reader and the token model are then
 * loaded when the code is exchanged, so the login ends sooner after the browser's redirect. The
 * client is thrown away; a failure is only time not saved.
 */
public final class HttpWarmUp {
    private HttpWarmUp() {
    }

    /** Starts it on a daemon thread: the process never waits for it, nor exits later for it. */
    public static void start() {
        Thread thread = new Thread(HttpWarmUp::run, "maestro-auth-http-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    static void run() {
        try {
            HttpSettings settings = HttpSettings.defaults();
            new OkHttpTokenEndpoint(OkHttpClients.create(settings), settings, Clock.systemUTC()).warmUpAnswerPath();
        } catch (RuntimeException | LinkageError nothingSaved) {
            // Only time not saved: the command's own client reports every real problem.
        }
    }
}

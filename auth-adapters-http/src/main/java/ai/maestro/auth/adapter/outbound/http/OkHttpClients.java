package ai.maestro.auth.adapter.outbound.http;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the one shared OkHttpClient of the token endpoint. */
public final class OkHttpClients {
    private static final Logger LOG = LoggerFactory.getLogger("ai.maestro.auth.http");

    private OkHttpClients() {
    }

    /** Marks, per call, whether any request bytes went out: after that a code may have been consumed. */
    static final class SendTracker {
        private final AtomicBoolean sent = new AtomicBoolean();

        boolean requestMayHaveReachedServer() {
            return sent.get();
        }
    }

    public static OkHttpClient create(HttpSettings settings) {
        return create(settings, NetworkSettings.direct());
    }

    /** With the proxies and extra CAs of {@code network}. */
    public static OkHttpClient create(HttpSettings settings, NetworkSettings network) {
        return network.applyTo(new OkHttpClient.Builder())
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .writeTimeout(settings.readTimeout())
                .callTimeout(settings.callTimeout())
                // A token endpoint never redirects legitimately, and following one would resend the code.
                .followRedirects(false)
                .followSslRedirects(false)
                // OkHttp's silent retry could send a single-use code twice; we decide about retries ourselves.
                .retryOnConnectionFailure(false)
                .eventListener(new EventListener() {
                    @Override
                    public void requestHeadersStart(Call call) {
                        SendTracker tracker = call.request().tag(SendTracker.class);
                        if (tracker != null) {
                            tracker.sent.set(true);
                        }
                    }
                })
                .addInterceptor(OkHttpClients::logRedacted)
                .build();
    }

    /** Logs method, endpoint (no query), status and timing; never a header value or a body. */
    private static Response logRedacted(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        if (!LOG.isDebugEnabled() || request.tag(AnswerPathWarmUp.Marker.class) != null) {
            return chain.proceed(request);
        }
        String target = request.method() + " " + request.url().scheme() + "://" + request.url().host()
                + ":" + request.url().port() + request.url().encodedPath();
        long started = System.nanoTime();
        try {
            Response response = chain.proceed(request);
            LOG.debug("{} -> HTTP {} in {} ms (body redacted)", target, response.code(),
                    (System.nanoTime() - started) / 1_000_000);
            return response;
        } catch (IOException e) {
            LOG.debug("{} -> {} after {} ms", target, e.getClass().getSimpleName(),
                    (System.nanoTime() - started) / 1_000_000);
            throw e;
        }
    }
}

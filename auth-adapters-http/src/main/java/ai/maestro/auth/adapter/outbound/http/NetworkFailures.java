package ai.maestro.auth.adapter.outbound.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;

/** Says what a network failure was, in words a user can act on, without quoting any request data. */
final class NetworkFailures {
    private NetworkFailures() {
    }

    /** The operation used up its whole deadline (every attempt included). */
    static String pastDeadline(HttpUrl url, HttpSettings settings, int attempts) {
        return "no complete answer from " + url.host() + ":" + url.port() + " within "
                + settings.deadline().toSeconds() + " s (" + attempts + (attempts == 1 ? " attempt" : " attempts")
                + "; the limit is " + DEADLINE_VARIABLE + ")";
    }

    /** The environment variable that sets {@link HttpSettings#deadline()}. */
    static final String DEADLINE_VARIABLE = "MAESTRO_AUTH_HTTP_DEADLINE_SECONDS";

    static String describe(IOException e, HttpUrl url, HttpSettings settings) {
        String where = url.host() + ":" + url.port();
        if (e instanceof UnknownHostException) {
            return "the host " + url.host() + " could not be resolved";
        }
        if (e instanceof ConnectException) {
            return "could not connect to " + where;
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer from " + where + " within " + settings.readTimeout().toSeconds() + " s (timed out)";
        }
        if (e instanceof InterruptedIOException) {
            return "the call to " + where + " did not finish within " + settings.callTimeout().toSeconds()
                    + " s (timed out)";
        }
        if (e instanceof SSLException) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                // PKIX path building/validation failed: no trusted CA signed the server's chain.
                if (cause instanceof java.security.cert.CertPathValidatorException
                        || cause instanceof java.security.cert.CertPathBuilderException) {
                    return "the TLS certificate of " + where + " is not trusted here (a private CA? set "
                            + NetworkSettings.CA_BUNDLE + " to its PEM file)";
                }
            }
            return "the TLS handshake with " + where + " failed";
        }
        if (e instanceof EOFException || e instanceof ProtocolException) {
            return "the connection to " + where + " closed before a complete response (truncated)";
        }
        if (e instanceof SocketException) {
            return "the connection to " + where + " was reset";
        }
        return "the connection to " + where + " failed (" + e.getClass().getSimpleName() + ")";
    }
}

package ai.maestro.auth.adapter.inbound;

/**
 * The JDK HTTP server's bounds, which it reads from JVM-wide system properties once: a request must
 * arrive within 10 s (a half-sent request cannot hold a thread longer), at most 64 header lines,
 * and no Nagle delay on loopback (~40 ms per answer otherwise). The command line applies them at
 * start; an embedder that serves logins or child agents applies them too, or sets its own with -D.
 */
public final class JdkHttpServerBounds {
    /** How long one request may take to arrive, in seconds. */
    public static final int REQUEST_SECONDS = 10;

    private JdkHttpServerBounds() {
    }

    /** Sets each bound the JVM was not given already; before the first server starts. */
    public static void applyUnlessSet() {
        setIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "64");
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}

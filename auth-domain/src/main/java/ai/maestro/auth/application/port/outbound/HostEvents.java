package ai.maestro.auth.application.port.outbound;

/**
 * What a token host for child processes did, for meters and the event log. Implementations must be
 * cheap and must never throw; they never receive a secret.
 */
public interface HostEvents {
    /** A token host started listening on 127.0.0.1:{@code port}. */
    void hostStarted(int port);

    /**
     * The host answered a request for {@code provider}: {@code served}, a failure in the CLI's words
     * ({@code not_logged_in}, …) or a refusal ({@code unauthorized}, {@code wrong_host}, …).
     */
    void hostRequest(String provider, String outcome);

    /** The host on {@code port} stopped. */
    void hostStopped(int port);
}

package ai.maestro.auth.domain;

/** One answer of the device login's poll. */
public sealed interface DevicePoll {
    /** The user has not finished yet: ask again after the interval. */
    record Pending() implements DevicePoll {
    }

    /** Asked too often: add to the interval (RFC 8628 §3.5 says 5 s). */
    record SlowDown() implements DevicePoll {
    }

    /**
     * The user approved: an authorization code with the PKCE pair the provider generated for it
     * (OpenAI's flow); the code is exchanged like a browser login's.
     */
    record CodeIssued(AuthorizationCode code, String codeChallenge, Secret codeVerifier) implements DevicePoll {
        @Override
        public String toString() {
            return "CodeIssued[redacted]";
        }
    }
}

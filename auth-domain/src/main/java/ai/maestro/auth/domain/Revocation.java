package ai.maestro.auth.domain;

/** What became of telling the provider to forget a refresh token (RFC 7009), best effort. */
public record Revocation(Outcome outcome, String detail) {
    /** The possible ends of a revocation. */
    public enum Outcome { REVOKED, NOT_SUPPORTED, FAILED, SKIPPED, NOTHING_TO_REVOKE }

    public Revocation {
        detail = detail == null ? "" : detail;
    }

    public static Revocation of(Outcome outcome) {
        return new Revocation(outcome, "");
    }
}

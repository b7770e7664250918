package ai.maestro.auth.domain;

import ai.maestro.auth.domain.ProviderId;

/**
 * One thing wrong with the configuration, named by the setting (environment variable) to fix;
 * {@code provider} is null for a setting of maestro-auth itself (a timeout, the store).
 */
public record ConfigProblem(ProviderId provider, String setting, Kind kind, String message) {
    /** The kinds of configuration defect. */
    public enum Kind {
        MISSING_CLIENT_ID,
        INVALID_URI,
        RELATIVE_ENDPOINT,
        INSECURE_ENDPOINT,
        REDIRECT_NOT_LOOPBACK_HTTP,
        EMPTY_SCOPES,
        INVALID_SCOPE,
        MALFORMED_EXTRA_PARAMETER,
        DUPLICATE_EXTRA_PARAMETER,
        RESERVED_EXTRA_PARAMETER,
        OUT_OF_RANGE,
        INVALID_VALUE
    }
}

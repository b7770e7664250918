package ai.maestro.auth.domain;

/** How a stored credential authenticates: an OAuth token set, or an API key. */
public enum AuthType {
    API_KEY,
    OAUTH
}

package ai.maestro.auth.domain.config;

/** How a token endpoint wants its request body. */
public enum TokenRequestFormat {
    /** application/x-www-form-urlencoded, as RFC 6749 §4.1.3 specifies. */
    FORM,
    /** application/json, as Anthropic's endpoint and OpenAI's refresh take it. */
    JSON
}

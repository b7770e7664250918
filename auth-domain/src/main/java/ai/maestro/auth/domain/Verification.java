package ai.maestro.auth.domain;

import java.net.URI;
import java.util.Objects;

/** The answer to one cheap authenticated request made with a stored credential: any HTTP status is an answer. */
public record Verification(ProviderId provider, AuthType authType, URI url, int status) {
    public Verification {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(authType, "authType");
        Objects.requireNonNull(url, "url");
    }

    public boolean authenticated() {
        return status >= 200 && status < 300;
    }
}

package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.AuthType;
import java.util.Objects;

/** Whose token, and which: the sign-in's access token ({@code OAUTH}) or the stored API key. */
public record AccessTokenQuery(AccountChoice account, AuthType authType) {
    public AccessTokenQuery {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(authType, "authType");
    }
}

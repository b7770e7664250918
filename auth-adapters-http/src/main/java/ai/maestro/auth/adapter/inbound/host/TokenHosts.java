package ai.maestro.auth.adapter.inbound.host;

import ai.maestro.auth.application.port.outbound.HostEvents;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.ExitCodes;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Starts token hosts for child processes; obtain it from the injector:
 * {@code try (TokenHost host = injector.getInstance(TokenHosts.class).start(grants))}, then put
 * {@code host.environment()} in each child's environment.
 */
public final class TokenHosts {
    private final AccessTokenService tokens;
    private final BiFunction<ProviderId, OAuthToken, Map<String, String>> headers;
    private final HostEvents events;

    public TokenHosts(AccessTokenService tokens, BiFunction<ProviderId, OAuthToken, Map<String, String>> headers,
                      HostEvents events) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** A host on a free loopback port with a new secret that answers exactly {@code grants}. */
    public TokenHost start(List<HostAnswers.Grant> grants) throws IOException {
        Map<ProviderId, HostAnswers.Grant> byProvider = new LinkedHashMap<>();
        for (HostAnswers.Grant grant : grants) {
            if (byProvider.put(grant.provider(), grant) != null) {
                throw new IllegalArgumentException(grant.provider().cliName() + " is granted twice");
            }
        }
        return TokenHost.start(new HostAnswers(tokens, byProvider, headers, ExitCodes::of), events);
    }
}

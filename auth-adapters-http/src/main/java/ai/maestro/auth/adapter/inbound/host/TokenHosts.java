package ai.maestro.auth.adapter.inbound.host;

import ai.maestro.auth.application.port.inbound.AccountChoice;
import ai.maestro.auth.application.port.inbound.ServeTokensUseCase;
import ai.maestro.auth.application.port.outbound.HostEvents;
import ai.maestro.auth.application.service.AccountService;
import ai.maestro.auth.domain.AuthType;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
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
public final class TokenHosts implements ServeTokensUseCase {
    private final AccessTokenService tokens;
    private final AccountService accounts;
    private final BiFunction<ProviderId, OAuthToken, Map<String, String>> headers;
    private final HostEvents events;

    public TokenHosts(AccessTokenService tokens, AccountService accounts,
                      BiFunction<ProviderId, OAuthToken, Map<String, String>> headers, HostEvents events) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * A host answering for {@code providers}: the account {@code account} names (resolved now, so an
     * unknown one fails before anything runs), or each provider's default at each request.
     */
    @Override
    public TokenHost serve(Set<ProviderId> providers, Optional<String> account) {
        List<HostAnswers.Grant> grants = new ArrayList<>();
        for (ProviderId provider : providers) {
            grants.add(new HostAnswers.Grant(provider, account.map(name ->
                    accounts.resolve(new AccountChoice(provider, Optional.of(name)), AuthType.OAUTH))));
        }
        try {
            return start(grants);
        } catch (IOException e) {
            throw new UncheckedIOException("the token host could not listen on loopback", e);
        }
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

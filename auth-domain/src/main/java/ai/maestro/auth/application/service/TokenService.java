package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.AccessTokenQuery;
import ai.maestro.auth.application.port.inbound.AccountChoice;
import ai.maestro.auth.application.port.inbound.GetAccessTokenUseCase;
import ai.maestro.auth.application.port.inbound.ObtainApiKeyUseCase;
import ai.maestro.auth.application.port.inbound.RefreshTokenUseCase;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.OAuthErrorException;
import java.time.Clock;
import java.util.Optional;
import java.util.Objects;

/**
 * The token use cases of a chosen account: a valid access token ({@link AccessTokenService}'s hot
 * path), the stored API key, a refresh now, and the exchange of the id_token for an API key.
 */
public final class TokenService implements GetAccessTokenUseCase, RefreshTokenUseCase, ObtainApiKeyUseCase {
    private final OAuthService logins;
    private final AccessTokenService tokens;
    private final CredentialRows rows;
    private final TokenEndpointPort tokenEndpoint;
    private final Clock clock;

    public TokenService(OAuthService logins, AccessTokenService tokens, CredentialRows rows,
                        TokenEndpointPort tokenEndpoint, Clock clock) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The account, its key or a fresh token read in one visit of the store (one open of an embedded
     * one); a token that needs a refresh is refreshed after it, through the refresh lock.
     */
    @Override
    public Secret accessToken(AccessTokenQuery query) {
        Seen seen = rows.inOneVisit(() -> {
            Account account = logins.accounts().resolve(query.account(), query.authType());
            if (query.authType() == AuthType.API_KEY) {
                return new Seen(account, Optional.of(((ApiKey) require(account.key(AuthType.API_KEY)).credential())
                        .key()));
            }
            return new Seen(account, tokens.freshToken(account.key(AuthType.OAUTH)).map(OAuthToken::accessToken));
        });
        return seen.secret().orElseGet(() -> tokens.validAccessToken(seen.account().key(AuthType.OAUTH)));
    }

    /** What one visit found: the account, and its secret when no refresh is needed. */
    private record Seen(Account account, Optional<Secret> secret) {
    }

    @Override
    public Refreshed refresh(AccountChoice choice) {
        Account account = logins.accounts().resolve(choice, AuthType.OAUTH);
        return new Refreshed(account, tokens.refreshNow(account.key(AuthType.OAUTH)).requireOAuthToken());
    }

    @Override
    public Account obtainApiKey(AccountChoice choice) {
        Account account = logins.accounts().resolve(choice, AuthType.OAUTH);
        OAuthToken token = require(account.key(AuthType.OAUTH)).requireOAuthToken();
        if (token.idToken().isEmpty()) {
            throw new OAuthErrorException(OAuthError.of("unsupported_token_type", "the stored "
                    + account.provider().cliName() + " sign-in has no id_token to exchange for an API key", 0));
        }
        OAuthToken exchanged = tokenEndpoint.exchangeIdTokenForApiKey(logins.configs().get(account.provider()),
                token.idToken().get()).validate(clock.instant());
        logins.writer().storeReplacing(account.key(AuthType.API_KEY), new ApiKey(exchanged.accessToken(),
                clock.instant()));
        return account;
    }

    private SavedAuthentication require(CredentialKey key) {
        return rows.find(key).orElseThrow(() -> new NotLoggedInException(key.provider(), key.authType()));
    }
}

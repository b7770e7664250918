package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.token.AccountIdentity;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Revocation;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes what a sign-in or an exchange obtained: under the account it signed in as, replacing
 * whatever that account had (even if another process wrote meanwhile), and tells the provider to
 * forget a refresh token that is no longer kept (RFC 7009, best effort).
 */
final class CredentialWriter {
    /** Compare-and-swap attempts before a store that keeps changing is reported. */
    static final int SAVE_ATTEMPTS = 5;

    private final ProviderConfigs configs;
    private final TokenEndpointPort tokenEndpoint;
    private final CredentialRows rows;
    private final AccountService accounts;
    private final Clock clock;

    CredentialWriter(ProviderConfigs configs, TokenEndpointPort tokenEndpoint, CredentialRows rows,
                     AccountService accounts, Clock clock) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores a login under the account it signed in as: that account's tokens are replaced (and the
     * replaced refresh token revoked, best effort), any other account is left as it is.
     */
    SavedAuthentication storeLogin(ProviderId provider, TokenResponse response, Optional<String> label) {
        OAuthToken token = response.validate(clock.instant());
        AccountIdentity identity = AccountIdentity.of(token, response);
        Account account;
        try {
            account = accounts.register(provider, identity, label);
        } catch (RuntimeException refused) {
            // Not stored (e.g. a label another account holds): the provider is told to forget the new grant.
            token.refreshToken().ifPresent(unused -> revoke(provider, unused));
            throw refused;
        }
        CredentialKey key = account.key(AuthType.OAUTH);
        Optional<Secret> replaced;
        try {
            replaced = storedRefreshToken(key);
        } catch (CredentialStoreException unreadable) {
            replaced = Optional.empty();
        }
        SavedAuthentication saved = storeReplacing(key, token);
        replaced.filter(old -> !token.refreshToken().map(old::equals).orElse(false))
                .ifPresent(old -> revoke(provider, old));
        return saved;
    }

    /** The refresh token stored for {@code key}, if it holds a sign-in that has one. */
    Optional<Secret> storedRefreshToken(CredentialKey key) {
        return rows.find(key).flatMap(SavedAuthentication::oauthToken).flatMap(OAuthToken::refreshToken);
    }

    /** Tells the provider to forget {@code refreshToken}; what it answered, never an exception. */
    Revocation revoke(ProviderId provider, Secret refreshToken) {
        ProviderConfig config = configs.get(provider);
        if (!config.offersRevocation()) {
            return Revocation.of(Revocation.Outcome.NOT_SUPPORTED);
        }
        try {
            tokenEndpoint.revoke(config, refreshToken);
            return Revocation.of(Revocation.Outcome.REVOKED);
        } catch (AuthException failed) {
            return new Revocation(Revocation.Outcome.FAILED, failed.getMessage());
        }
    }

    /** A new login or key supersedes whatever the account has stored, even if another process wrote meanwhile. */
    SavedAuthentication storeReplacing(CredentialKey key, Credential credential) {
        for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
            SavedAuthentication candidate = rows.find(key)
                    .map(existing -> existing.replacedBy(credential, clock.instant()))
                    .orElseGet(() -> SavedAuthentication.fresh(key, credential, clock.instant()));
            if (rows.save(candidate) instanceof SaveResult.Saved saved) {
                return saved.stored();
            }
        }
        throw new CredentialStoreException("The credential store kept changing while saving the "
                + key.provider().cliName() + " credential.", null, "Stop other maestro-auth processes and try again.",
                null);
    }
}

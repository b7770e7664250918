package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.NotLoggedInException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Each provider's default account as last read from the store; forgotten whenever the store changes. */
final class DefaultAccounts {
    private final AccountDirectory accounts;
    private final Map<ProviderId, CredentialKey> known = new ConcurrentHashMap<>();

    DefaultAccounts(AccountDirectory accounts) {
        this.accounts = accounts;
    }

    /** The sign-in of {@code provider}'s default account (read once, then again after {@link #forget()}). */
    CredentialKey key(ProviderId provider) {
        CredentialKey key = known.get(provider);
        if (key != null) {
            return key;
        }
        key = Account.defaultAmong(accounts.accounts(provider)).map(account -> account.key(AuthType.OAUTH))
                .orElseThrow(() -> new NotLoggedInException(provider, AuthType.OAUTH));
        known.put(provider, key);
        return key;
    }

    boolean isEmpty() {
        return known.isEmpty();
    }

    void forget() {
        known.clear();
    }
}

package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.AccountChoice;
import ai.maestro.auth.application.port.inbound.ReadUsageUseCase;
import ai.maestro.auth.application.port.inbound.VerifyCredentialUseCase;
import ai.maestro.auth.application.port.outbound.ProviderApiPort;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.error.NotLoggedInException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Calls to a provider's own API with a stored credential: usage, and the proof that a credential works. */
public final class ProviderApiService implements ReadUsageUseCase, VerifyCredentialUseCase {
    private final AccountService accounts;
    private final ProviderApiPort api;

    public ProviderApiService(AccountService accounts, ProviderApiPort api) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.api = Objects.requireNonNull(api, "api");
    }

    @Override
    public List<AccountUsage> usage(AccountChoice choice, boolean everyAccount) {
        List<Account> chosen;
        if (everyAccount) {
            chosen = accounts.list(choice.provider());
            if (chosen.isEmpty()) {
                throw new NotLoggedInException(choice.provider(), AuthType.OAUTH);
            }
        } else {
            chosen = List.of(accounts.resolve(choice, AuthType.OAUTH));
        }
        return chosen.stream().map(each -> new AccountUsage(each, api.usage(Optional.of(each.id())))).toList();
    }

    @Override
    public Verified verify(AccountChoice choice, AuthType authType) {
        Account account = accounts.resolve(choice, authType);
        return new Verified(account, api.verify(choice.provider(), Optional.of(account.id()), authType));
    }
}

package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.AccountChoice;
import ai.maestro.auth.application.port.inbound.SwitchDefaultAccountUseCase;
import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.token.AccountIdentity;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.domain.error.OAuthErrorException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The accounts of each provider: which one a label, e-mail or account id names, which is the
 * default, and under which label a login's new account is added. Never chooses an account by itself
 * beyond the default the user set.
 */
public final class AccountService implements SwitchDefaultAccountUseCase {
    private final AccountDirectory directory;
    private final CredentialRows rows;

    public AccountService(AccountDirectory directory, CredentialRows rows) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    /** The provider's accounts, oldest first. */
    public List<Account> list(ProviderId provider) {
        return directory.accounts(provider);
    }

    /**
     * The account {@code selector} names (its label, its account id, or the e-mail of its sign-in),
     * or the provider's default when it is empty. Throws {@link NotLoggedInException} when nothing is
     * stored, or the selector matches no account or several.
     */
    public Account resolve(ProviderId provider, Optional<String> selector) {
        return resolve(provider, selector, AuthType.OAUTH);
    }

    /** As {@link #resolve(ProviderId, Optional)}; with nothing stored, the advice is about {@code missing}. */
    public Account resolve(ProviderId provider, Optional<String> selector, AuthType missing) {
        List<Account> accounts = directory.accounts(provider);
        if (selector.isEmpty()) {
            return Account.defaultAmong(accounts).orElseThrow(() -> new NotLoggedInException(provider, missing));
        }
        String wanted = selector.get();
        List<Account> byName = accounts.stream().filter(a -> a.label().equals(wanted) || a.id().equals(wanted))
                .toList();
        List<Account> matches = byName.isEmpty() ? accounts.stream().filter(a -> email(a).map(wanted::equalsIgnoreCase)
                .orElse(false)).toList() : byName;
        if (matches.size() != 1) {
            throw NotLoggedInException.noSuchAccount(provider, wanted, matches.size() > 1,
                    accounts.stream().map(Account::label).toList());
        }
        return matches.get(0);
    }

    /** The e-mail of an account's sign-in, as its id_token tells it (empty when unreadable). */
    public Optional<String> email(Account account) {
        try {
            return rows.find(account.key(AuthType.OAUTH)).map(SavedAuthentication::credential)
                    .filter(OAuthToken.class::isInstance).map(OAuthToken.class::cast)
                    .flatMap(OAuthToken::idTokenClaims).flatMap(c -> c.emailIfKnown());
        } catch (CredentialStoreException unreadable) {
            return Optional.empty();
        }
    }

    /** As {@link #resolve(ProviderId, Optional, AuthType)} for {@code choice}. */
    public Account resolve(AccountChoice choice, AuthType missing) {
        return resolve(choice.provider(), choice.selector(), missing);
    }

    @Override
    public Account makeDefault(AccountChoice choice) {
        ProviderId provider = choice.provider();
        // Only a named account becomes the default: a blank name matches none, as any unknown name.
        Account account = resolve(provider, Optional.of(choice.selector().orElse("")), AuthType.OAUTH);
        directory.makeDefault(provider, account.id());
        return new Account(provider, account.id(), account.label(), true);
    }

    /** The stored account signed in as, added under a label unique for the provider when it is new. */
    Account register(ProviderId provider, AccountIdentity identity, Optional<String> label) {
        for (int attempt = 0; attempt < CredentialWriter.SAVE_ATTEMPTS; attempt++) {
            List<Account> accounts = directory.accounts(provider);
            Optional<Account> known = accounts.stream().filter(a -> a.id().equals(identity.accountId())).findFirst();
            if (known.isPresent()) {
                if (label.isPresent() && !label.get().equals(known.get().label())) {
                    requireFreeLabel(provider, accounts, label.get());
                    directory.relabel(provider, known.get().id(), label.get());
                }
                return known.get();
            }
            String chosen = label.orElseGet(() -> Account.uniqueLabel(accounts, identity.suggestedLabel(provider)));
            requireFreeLabel(provider, accounts, chosen);
            try {
                return directory.register(provider, identity.accountId(), chosen);
            } catch (CredentialStoreException raced) {
                if (attempt == CredentialWriter.SAVE_ATTEMPTS - 1 || label.isPresent()) {
                    throw raced;
                }
                // Another process took the label at the same moment: choose again.
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static void requireFreeLabel(ProviderId provider, List<Account> accounts, String label) {
        if (accounts.stream().anyMatch(a -> a.label().equals(label))) {
            throw new OAuthErrorException(OAuthError.of("invalid_request", "the label '" + label + "' is taken by"
                    + " another " + provider.cliName() + " account; choose another with --account", 0));
        }
    }
}

package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.OAuthToken;
import java.util.List;
import java.util.Objects;

/** A stored sign-in: its account, its tokens, and every account of the provider now stored. */
public record SignedIn(Account account, OAuthToken token, List<Account> accounts) {
    public SignedIn {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(token, "token");
        accounts = List.copyOf(accounts);
    }
}

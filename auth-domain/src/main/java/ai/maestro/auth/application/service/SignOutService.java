package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.SignOut;
import ai.maestro.auth.application.port.inbound.SignOutCommand;
import ai.maestro.auth.application.port.inbound.SignOutUseCase;
import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Revocation;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sign-out: each account's refresh token revoked first unless asked not to (RFC 7009; best effort:
 * whatever the provider answers, the local copy goes), then its sign-in and API key deleted.
 */
public final class SignOutService implements SignOutUseCase {
    private final OAuthService logins;
    private final CredentialRows rows;
    private final AccessTokenService tokens;
    private final AuthEvents events;

    public SignOutService(OAuthService logins, CredentialRows rows, AccessTokenService tokens, AuthEvents events) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public SignOut signOut(SignOutCommand command) {
        List<Account> stored = logins.accounts().list(command.account().provider());
        if (stored.isEmpty()) {
            return new SignOut.NothingStored();
        }
        List<Account> leaving;
        if (command.all()) {
            leaving = stored;
        } else if (command.account().selector().isEmpty() && stored.size() > 1) {
            // Which sign-in goes must be said: a default chosen long ago is no answer to a sign-out.
            return new SignOut.WhichAccount(stored);
        } else {
            leaving = List.of(logins.accounts().resolve(command.account(), AuthType.OAUTH));
        }
        List<SignOut.Left> left = new ArrayList<>();
        for (Account each : leaving) {
            SignOut.Left one = leave(each, command.revoke());
            tokens.forget(each.key(AuthType.OAUTH));
            if (one.deleted()) {
                events.loggedOut(each.key(AuthType.OAUTH));
            }
            left.add(one);
        }
        return new SignOut.Done(left, stored.size());
    }

    /** Deletes every credential of {@code account}, first revoking its refresh token when {@code revoke}. */
    SignOut.Left leave(Account account, boolean revoke) {
        Revocation revocation = Revocation.of(Revocation.Outcome.SKIPPED);
        if (revoke) {
            CredentialWriter writer = logins.writer();
            try {
                revocation = writer.storedRefreshToken(account.key(AuthType.OAUTH))
                        .map(token -> writer.revoke(account.provider(), token))
                        .orElse(Revocation.of(Revocation.Outcome.NOTHING_TO_REVOKE));
            } catch (CredentialStoreException unreadable) {
                revocation = new Revocation(Revocation.Outcome.FAILED, "the stored sign-in cannot be read");
            }
        }
        boolean apiKey = rows.delete(account.key(AuthType.API_KEY));
        boolean oauth = rows.delete(account.key(AuthType.OAUTH));
        return new SignOut.Left(account, oauth || apiKey, revocation);
    }
}

package ai.maestro.auth.domain.token;

import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a login signed in as, from the token endpoint's answer: the provider's stable account id and,
 * for display and the default label, the e-mail and plan. OpenAI names the account in the id_token
 * ({@code chatgpt_account_id}); Anthropic's token response carries an {@code account} object with a
 * {@code uuid} and {@code email_address}. An answer that names no account is the provider's
 * {@link #UNNAMED} account, so such logins replace each other as they always did.
 */
public record AccountIdentity(String accountId, Optional<String> email, Optional<String> plan) {
    /** The account id of a sign-in whose provider did not say which account it is. */
    public static final String UNNAMED = "default";

    public AccountIdentity {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(plan, "plan");
    }

    public static AccountIdentity of(OAuthToken token, TokenResponse response) {
        Optional<IdTokenClaims> claims = token.idTokenClaims();
        Optional<String> id = claims.flatMap(IdTokenClaims::accountIdIfKnown);
        Optional<String> email = claims.flatMap(IdTokenClaims::emailIfKnown);
        Optional<String> plan = claims.flatMap(IdTokenClaims::planTypeIfKnown);
        if (response != null && response.fields().get("account") instanceof Map<?, ?> account) {
            id = id.or(() -> text(account.get("uuid")));
            email = email.or(() -> text(account.get("email_address")));
        }
        return new AccountIdentity(id.filter(CredentialKey::isValidAccountId).orElse(UNNAMED), email, plan);
    }

    /** From a stored token alone (no response at hand): what its id_token says. */
    public static AccountIdentity of(OAuthToken token) {
        return of(token, null);
    }

    /**
     * The label an account gets unless the user chose one: the e-mail's local part (never the whole
     * address), reduced to label characters; the provider's name when there is no e-mail.
     */
    public String suggestedLabel(ProviderId provider) {
        String base = email.map(e -> e.substring(0, Math.max(0, e.indexOf('@') < 0 ? e.length() : e.indexOf('@'))))
                .map(local -> local.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-")
                        .replaceAll("^[^a-z0-9]+", ""))
                .filter(local -> !local.isEmpty())
                .orElse(provider.cliName());
        return base.length() > 32 ? base.substring(0, 32) : base;
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }
}

package ai.maestro.auth.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.token.AccountIdentity;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.NotLoggedInException;
import ai.maestro.auth.testing.InMemoryCredentialStore;
import ai.maestro.auth.testing.ScriptedTokenEndpoint;
import ai.maestro.auth.testing.TestJwts;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Logins add accounts, replace only their own, and are found by label, e-mail or account id. */
class AccountsTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final InMemoryCredentialStore store = new InMemoryCredentialStore();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String[] user = {"ada@example.com", "acct-ada"};
    private final ScriptedTokenEndpoint endpoint = new ScriptedTokenEndpoint().answering(() -> {
        int n = issued.incrementAndGet();
        return TestJwts.openAiAnswer(Map.of("access_token", "at-" + n, "refresh_token", "rt-" + n, "expires_in",
                3600), user[0], 1_900_000_000L, user[1], "plus");
    });
    private final OAuthService service = new OAuthService(ProviderConfigs.defaults(), endpoint, store, store,
            Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom(), Duration.ofMinutes(5));

    private SavedAuthentication loginAs(String email, String accountId, Optional<String> label) {
        user = new String[] {email, accountId};
        OAuthService.LoginAttempt attempt = service.startLogin(ProviderId.OPENAI);
        return service.completeLogin(attempt.session(), "code=c&state=" + attempt.session().state().value(), label);
    }

    private List<String> labels() {
        return service.accounts().list(ProviderId.OPENAI).stream().map(Account::label).toList();
    }

    @Test
    void aSecondAccountIsAddedAndTheFirstStaysTheDefault() {
        loginAs("ada@example.com", "acct-ada", Optional.empty());
        loginAs("bob@example.com", "acct-bob", Optional.empty());

        assertEquals(List.of("ada", "bob"), labels());
        assertEquals("acct-ada", service.accounts().resolve(ProviderId.OPENAI, Optional.empty()).id());
        assertEquals(2, store.list().size());
        assertTrue(endpoint.calls.stream().noneMatch(call -> call.grant().equals("revoke")), "nothing was replaced");
    }

    @Test
    void aLoginAsAStoredAccountReplacesItsTokensOnlyAndRevokesTheReplacedOne() {
        loginAs("ada@example.com", "acct-ada", Optional.empty());
        loginAs("bob@example.com", "acct-bob", Optional.empty());
        loginAs("ada@example.com", "acct-ada", Optional.empty());

        assertEquals(List.of("ada", "bob"), labels());
        assertEquals("at-3", ((OAuthToken) store.find(service.accounts().resolve(ProviderId.OPENAI, Optional.of("ada"))
                .key(AuthType.OAUTH)).orElseThrow().credential()).accessToken().reveal());
        assertEquals("at-2", ((OAuthToken) store.find(service.accounts().resolve(ProviderId.OPENAI, Optional.of("bob"))
                .key(AuthType.OAUTH)).orElseThrow().credential()).accessToken().reveal());
        assertEquals(List.of("rt-1"), endpoint.calls.stream().filter(call -> call.grant().equals("revoke"))
                .map(ScriptedTokenEndpoint.Call::credential).toList());
    }

    @Test
    void oneEmailInTwoWorkspacesGetsTwoLabelsAndIsAmbiguousByEmail() {
        loginAs("ada@example.com", "acct-home", Optional.empty());
        loginAs("ada@example.com", "acct-work", Optional.empty());

        assertEquals(List.of("ada", "ada-2"), labels());
        NotLoggedInException ambiguous = assertThrows(NotLoggedInException.class,
                () -> service.accounts().resolve(ProviderId.OPENAI, Optional.of("ada@example.com")));
        assertTrue(ambiguous.getMessage().contains("More than one openai account matches 'ada@example.com'; stored:"
                + " ada, ada-2."), ambiguous.getMessage());
        assertEquals("acct-work", service.accounts().resolve(ProviderId.OPENAI, Optional.of("ada-2")).id());
        assertEquals("acct-work", service.accounts().resolve(ProviderId.OPENAI, Optional.of("acct-work")).id());
    }

    @Test
    void anUnknownAccountListsTheStoredLabels() {
        loginAs("ada@example.com", "acct-ada", Optional.empty());

        NotLoggedInException unknown = assertThrows(NotLoggedInException.class,
                () -> service.accounts().resolve(ProviderId.OPENAI, Optional.of("zed")));

        assertEquals("No openai account matches 'zed'; stored: ada. Name one by its label with --account (or"
                + " MAESTRO_AUTH_ACCOUNT).", unknown.getMessage());
        assertThrows(NotLoggedInException.class, () -> service.accounts().resolve(ProviderId.ANTHROPIC, Optional.empty()));
    }

    @Test
    void aChosenLabelNamesANewAccountAndRenamesAStoredOne() {
        loginAs("ada@example.com", "acct-ada", Optional.of("personal"));
        loginAs("bob@example.com", "acct-bob", Optional.of("work"));
        loginAs("ada@example.com", "acct-ada", Optional.of("home"));

        assertEquals(List.of("home", "work"), labels());
        assertThrows(RuntimeException.class, () -> loginAs("eve@example.com", "acct-eve", Optional.of("work")),
                "a label another account holds");
        assertEquals(List.of("home", "work"), labels(), "nothing was added");
        assertEquals(List.of("rt-4"), endpoint.calls.stream().filter(call -> call.grant().equals("revoke"))
                .map(ScriptedTokenEndpoint.Call::credential).filter("rt-4"::equals).toList(),
                "the grant that could not be stored was revoked");
    }

    @Test
    void useMovesTheDefault() {
        loginAs("ada@example.com", "acct-ada", Optional.empty());
        loginAs("bob@example.com", "acct-bob", Optional.empty());

        Account bob = service.accounts().makeDefault(
                new ai.maestro.auth.application.port.inbound.AccountChoice(ProviderId.OPENAI, Optional.of("bob@example.com")));

        assertTrue(bob.isDefault());
        assertEquals("acct-bob", service.accounts().resolve(ProviderId.OPENAI, Optional.empty()).id());
        assertFalse(service.accounts().list(ProviderId.OPENAI).get(0).isDefault());
    }

    @Test
    void theDefaultLabelIsTheEmailsLocalPartNeverTheAddress() {
        assertEquals("grace.hopper", new AccountIdentity("a", Optional.of("Grace.Hopper@example.com"),
                Optional.empty()).suggestedLabel(ProviderId.OPENAI));
        assertEquals("x-y", new AccountIdentity("a", Optional.of("x+y@example.com"), Optional.empty())
                .suggestedLabel(ProviderId.OPENAI));
        assertEquals("anthropic", new AccountIdentity("a", Optional.empty(), Optional.empty())
                .suggestedLabel(ProviderId.ANTHROPIC));
    }

    @Test
    void anthropicsAccountUuidNamesTheAccount() {
        TokenResponse response = new TokenResponse(Map.of("access_token", "at", "refresh_token", "rt",
                "expires_in", 3600, "account", Map.of("uuid", "5f2c-uuid", "email_address", "ada@example.com")));
        AccountIdentity identity = AccountIdentity.of(response.validate(NOW), response);

        assertEquals("5f2c-uuid", identity.accountId());
        assertEquals(Optional.of("ada@example.com"), identity.email());
        TokenResponse anonymous = new TokenResponse(Map.of("access_token", "at", "expires_in", 3600));
        assertEquals(AccountIdentity.UNNAMED, AccountIdentity.of(anonymous.validate(NOW), anonymous).accountId());
    }
}

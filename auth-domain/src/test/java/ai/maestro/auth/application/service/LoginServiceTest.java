package ai.maestro.auth.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.CallbackPortInUseException;
import ai.maestro.auth.testing.InMemoryCredentialStore;
import ai.maestro.auth.testing.ScriptedTokenEndpoint;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The callback port rule of a browser login, and the flow a provider's configuration allows. */
class LoginServiceTest {
    /** Ports as the machine has them: taken ones refuse, an earlier login lets go when cancelled. */
    private final Set<Integer> taken = new HashSet<>();
    private final Set<Integer> earlierLoginOn = new HashSet<>();
    private final List<Integer> listenedOn = new ArrayList<>();

    private final CallbackListeners listeners = new CallbackListeners() {
        @Override
        public Listener listen(AuthorizationSession session, Duration timeout) {
            int port = session.redirectUri().getPort();
            if (taken.contains(port)) {
                throw new CallbackPortInUseException(port, null);
            }
            listenedOn.add(port);
            return new Listener() {
                @Override
                public AuthorizationSession session() {
                    return session;
                }

                @Override
                public CompletableFuture<AuthorizationCode> result() {
                    return new CompletableFuture<>();
                }

                @Override
                public void signedIn(String who) {
                }

                @Override
                public void failed(String why) {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public boolean cancelWaitingLogin(int port) {
            if (earlierLoginOn.remove(port)) {
                taken.remove(port);
                return true;
            }
            return false;
        }

        @Override
        public String holderOf(int port) {
            return "pid 4242 on " + port;
        }
    };

    private LoginService service(Map<String, String> env) {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        OAuthService logins = new OAuthService(ProviderConfigs.fromEnvironment(env), new ScriptedTokenEndpoint(),
                store, store, Clock.systemUTC(), new SecureRandom(), Duration.ofMinutes(5));
        return new LoginService(logins, listeners);
    }

    private static final Map<String, String> PORTS = Map.of(
            "OPENAI_OAUTH_REDIRECT_URI", "http://localhost:21455/auth/callback",
            "OPENAI_OAUTH_FALLBACK_REDIRECT_URI", "http://localhost:21457/auth/callback");

    @Test
    void aFreePortIsUsedAsConfigured() {
        LoginService.Listening listening = service(PORTS).listen(ProviderId.OPENAI, Duration.ofSeconds(5));
        assertEquals(List.of(21455), listenedOn);
        assertFalse(listening.cancelledEarlierLogin());
        assertTrue(listening.attempt().request().uri().toString().contains("21455"));
    }

    @Test
    void anEarlierLoginOnThePortIsCancelledAndThePortTakenOver() {
        taken.add(21455);
        earlierLoginOn.add(21455);
        LoginService.Listening listening = service(PORTS).listen(ProviderId.OPENAI, Duration.ofSeconds(5));
        assertTrue(listening.cancelledEarlierLogin());
        assertEquals(List.of(21455), listenedOn);
    }

    @Test
    void aPortHeldByAnotherProgramMovesTheLoginToTheSecondRedirect() {
        taken.add(21455);
        LoginService.Listening listening = service(PORTS).listen(ProviderId.OPENAI, Duration.ofSeconds(5));
        assertEquals(List.of(21457), listenedOn);
        assertTrue(listening.attempt().request().uri().toString().contains("localhost%3A21457"),
                "the address names the redirect that is listened on");
    }

    @Test
    void bothPortsTakenNamesWhoHoldsThem() {
        taken.add(21455);
        taken.add(21457);
        CallbackPortInUseException error = assertThrows(CallbackPortInUseException.class,
                () -> service(PORTS).listen(ProviderId.OPENAI, Duration.ofSeconds(5)));
        assertTrue(error.getMessage().contains("pid 4242 on 21455") && error.getMessage().contains("pid 4242 on 21457"),
                error.getMessage());
    }

    @Test
    void theFlowFollowsTheProvidersConfiguration() {
        LoginService service = service(PORTS);
        assertEquals(ai.maestro.auth.application.port.inbound.SignInScreen.Flow.LOOPBACK, service.flowFor(ProviderId.OPENAI, false));
        assertEquals(ai.maestro.auth.application.port.inbound.SignInScreen.Flow.DEVICE, service.flowFor(ProviderId.OPENAI, true));
        assertEquals(ai.maestro.auth.application.port.inbound.SignInScreen.Flow.PASTE, service.flowFor(ProviderId.ANTHROPIC, false));
    }
}

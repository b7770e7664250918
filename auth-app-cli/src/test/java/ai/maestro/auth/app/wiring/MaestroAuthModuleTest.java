package ai.maestro.auth.app.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.testing.InMemoryCredentialStore;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the orchestrator embeds maestro-auth. */
class MaestroAuthModuleTest {
    @TempDir
    Path home;

    private MaestroAuthConfig config() {
        return MaestroAuthConfig.fromEnvironment(Map.of("MAESTRO_AUTH_HOME", home.resolve("data").toString()));
    }

    @Test
    void buildsTheServicesWithOneSharedStoreAndOpensNothingUntilAsked() {
        Injector injector = Guice.createInjector(new MaestroAuthModule(config()));
        assertTrue(Files.notExists(home.resolve("data")), "building the injector must not open the store");

        OAuthService logins = injector.getInstance(OAuthService.class);
        AccessTokenService tokens = injector.getInstance(AccessTokenService.class);

        assertSame(logins, injector.getInstance(OAuthService.class));
        assertSame(tokens, injector.getInstance(AccessTokenService.class));
        CredentialStore store = injector.getInstance(CredentialStore.class);
        assertSame(store, injector.getInstance(CredentialStore.class));
        // One store, its operations timed for the meters.
        org.junit.jupiter.api.Assertions.assertInstanceOf(ai.maestro.auth.app.observe.MeteredStore.class, store);
        assertTrue(logins.startLogin(ProviderId.OPENAI).request().uri().toString()
                .startsWith("https://auth.openai.com/oauth/authorize?"));
        assertTrue(Files.exists(home.resolve("data").resolve("credentials.mv.db")));
    }

    @Test
    void anAdapterIsSwappedWithModulesOverride() {
        InMemoryCredentialStore memory = new InMemoryCredentialStore();
        Injector injector = Guice.createInjector(Modules.override(new MaestroAuthModule(config()))
                .with(new AbstractModule() {
                    @Override
                    protected void configure() {
                        // A store of its own is bound role by role: the services take the roles.
                        bind(ai.maestro.auth.application.port.outbound.CredentialRows.class).toInstance(memory);
                        bind(ai.maestro.auth.application.port.outbound.AccountDirectory.class).toInstance(memory);
                        bind(ai.maestro.auth.application.port.outbound.RefreshLocks.class).toInstance(memory);
                        bind(ai.maestro.auth.application.port.outbound.ChangeFeed.class).toInstance(memory);
                        bind(ai.maestro.auth.application.port.outbound.RotationLog.class).toInstance(memory);
                    }
                }));
        Instant now = Instant.now();
        memory.save(SavedAuthentication.fresh(ai.maestro.auth.domain.CredentialKey.oauth(ProviderId.ANTHROPIC, "acct"), new OAuthToken(Secret.of("from-memory"),
                Optional.empty(), Optional.empty(), "Bearer", List.of(), Optional.of(now.plusSeconds(3600)), now), now));

        Secret token = injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.ANTHROPIC);

        assertEquals("from-memory", token.reveal());
        assertTrue(Files.notExists(home.resolve("data")), "the overridden store is never opened");
    }
}

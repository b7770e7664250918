package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStores;
import ai.maestro.auth.adapter.outbound.persistence.JdbiCredentialStore;
import ai.maestro.auth.adapter.outbound.persistence.PersistenceSettings;
import ai.maestro.auth.adapter.outbound.persistence.StoreKeyring;
import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.ChangeFeed;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.application.port.outbound.StoreKeys;
import ai.maestro.auth.app.observe.MeteredStore;
import com.google.inject.AbstractModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Optional;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.security.SecureRandom;

/**
 * The encrypted credential store: embedded H2 in the data directory, or PostgreSQL when
 * MAESTRO_AUTH_DB_URL is set. Opened lazily, on first use.
 */
public final class PersistenceModule extends AbstractModule {

    @Override
    protected void configure() {
        // The embedder's registry when its injector binds one; Micrometer's global registry otherwise.
        com.google.inject.multibindings.OptionalBinder.newOptionalBinder(binder(), MeterRegistry.class);
        // Each role the services depend on is the one metered store; the aggregate lives here only.
        bind(CredentialRows.class).to(CredentialStore.class);
        bind(AccountDirectory.class).to(CredentialStore.class);
        bind(RefreshLocks.class).to(CredentialStore.class);
        bind(ChangeFeed.class).to(CredentialStore.class);
        bind(RotationLog.class).to(CredentialStore.class);
    }

    @Provides
    @Singleton
    JdbiCredentialStore jdbiStore(MaestroAuthConfig config, PersistenceSettings settings, SecureRandom random) {
        return CredentialStores.open(settings, config.environment(), random);
    }

    /** The store's keys: moving one opens no store, re-encrypting or describing opens it when asked. */
    @Provides
    @Singleton
    StoreKeys storeKeys(com.google.inject.Provider<JdbiCredentialStore> store, MaestroAuthConfig config,
                        PersistenceSettings settings, SecureRandom random) {
        return new StoreKeyring(store::get, settings, config.environment(), random);
    }

    @Provides
    @Singleton
    CredentialStore credentialStore(JdbiCredentialStore store, PersistenceSettings settings,
                                        Optional<MeterRegistry> registry) {
        return new MeteredStore(store, registry.orElse(Metrics.globalRegistry),
                settings.jdbcUrl().isPresent() ? "postgresql" : "h2");
    }
}

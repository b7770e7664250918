package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.application.port.outbound.StoreKeys;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The store's encryption key as the rekey and status use cases see it. The store is opened only
 * for what needs its rows: moving the key works on the key's places alone.
 */
public final class StoreKeyring implements StoreKeys {
    private final Supplier<JdbiCredentialStore> store;
    private final PersistenceSettings settings;
    private final Map<String, String> environment;
    private final SecureRandom random;

    public StoreKeyring(Supplier<JdbiCredentialStore> store, PersistenceSettings settings,
                        Map<String, String> environment, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.environment = Map.copyOf(environment);
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public String describeKeySource() {
        return store.get().keySource().describe();
    }

    @Override
    public int reencryptAll() {
        return store.get().rekey();
    }

    @Override
    public String moveKey(String place) {
        return CredentialStores.moveKey(settings, environment, place, random);
    }
}

package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.inbound.RekeyUseCase;
import ai.maestro.auth.application.port.outbound.StoreKeys;
import java.util.Objects;
import java.util.Optional;

/** Re-encrypts the store under the first configured key, or moves the data directory's key. */
public final class RekeyService implements RekeyUseCase {
    private final StoreKeys keys;

    public RekeyService(StoreKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public String rekey(Optional<String> moveKeyTo) {
        if (moveKeyTo.isPresent()) {
            return keys.moveKey(moveKeyTo.get());
        }
        int changed = keys.reencryptAll();
        return "Re-encrypted " + changed + " credential" + (changed == 1 ? "" : "s") + " under the first configured key.";
    }
}

package ai.maestro.auth.application.port.inbound;

import java.util.Optional;

/**
 * Re-encrypt every stored credential under the first configured key; or, given a place
 * ({@code keyring} or {@code file}), move the data directory's key there. What was done, in one line.
 */
public interface RekeyUseCase {
    String rekey(Optional<String> moveKeyTo);
}

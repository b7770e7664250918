package ai.maestro.auth.app.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/** What the meters ask of a registry. */
final class Registries {
    private Registries() {
    }

    /**
     * Nothing is attached to Micrometer's global registry (the CLI, an embedder without meters): every
     * meter would be a no-op, so nothing is looked up, timed or registered at all.
     */
    static boolean detached(MeterRegistry registry) {
        return registry instanceof CompositeMeterRegistry composite && composite.getRegistries().isEmpty();
    }
}

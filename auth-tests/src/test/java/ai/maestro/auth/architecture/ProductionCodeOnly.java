package ai.maestro.auth.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/** Leaves out test jars (the domain's test fixtures are shared as one), which the rules do not govern. */
public final class ProductionCodeOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
        return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
}

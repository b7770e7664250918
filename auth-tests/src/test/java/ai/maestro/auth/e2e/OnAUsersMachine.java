package ai.maestro.auth.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test that runs maestro-auth the way users do, on a fresh {@link SharedStoreFixture} each time. */
abstract class OnAUsersMachine {
    @TempDir
    Path home;
    SharedStoreFixture machine;

    @BeforeEach
    void startMachine() throws Exception {
        machine = new SharedStoreFixture(home);
    }

    @AfterEach
    void stopMachine() {
        machine.close();
    }
}

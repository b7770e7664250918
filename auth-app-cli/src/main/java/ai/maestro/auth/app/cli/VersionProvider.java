package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.Release;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"maestro-auth " + Release.version() + " (Java " + Runtime.version() + ")"};
    }
}

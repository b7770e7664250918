package ai.maestro.auth.app.cli;

import ai.maestro.auth.adapter.outbound.http.HttpSettings;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"maestro-auth " + HttpSettings.VERSION + " (Java " + Runtime.version() + ")"};
    }
}

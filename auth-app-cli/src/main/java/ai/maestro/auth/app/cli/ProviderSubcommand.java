package ai.maestro.auth.app.cli;

import picocli.CommandLine.Mixin;

/** A command that takes the {@code <provider>} argument. */
abstract class ProviderSubcommand extends Subcommand {
    @Mixin
    ProviderParameter target;
}

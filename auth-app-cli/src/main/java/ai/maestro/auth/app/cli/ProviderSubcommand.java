package ai.maestro.auth.app.cli;

import picocli.CommandLine.Mixin;

/** A command that takes the {@code <provider>} argument and {@code --account}. */
abstract class ProviderSubcommand extends Subcommand {
    @Mixin
    ProviderParameter target;

    @Mixin
    AccountOption account;
}

package ai.maestro.auth.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** A command under {@code maestro-auth}: it runs with the root's context. */
abstract class Subcommand implements Callable<Integer> {
    @ParentCommand
    MaestroAuthCommand root;

    CliContext context() {
        return root.context();
    }
}

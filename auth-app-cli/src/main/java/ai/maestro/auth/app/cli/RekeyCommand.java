package ai.maestro.auth.app.cli;

import ai.maestro.auth.adapter.out.persistence.JdbiCredentialStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code rekey}: re-encrypt every row under the first configured key. */
@Command(name = "rekey", mixinStandardHelpOptions = true,
        description = {"Re-encrypt every stored credential under the first key of MAESTRO_AUTH_ENCRYPTION_KEY",
                "(id:base64,id:base64: the first encrypts, any decrypts). Drop the old key afterwards."})
final class RekeyCommand implements Callable<Integer> {
    @ParentCommand
    MaestroAuthCommand root;

    @Override
    public Integer call() {
        CliContext context = root.context();
        int changed = context.get(JdbiCredentialStore.class).rekey();
        context.out().println("Re-encrypted " + changed + " credential" + (changed == 1 ? "" : "s")
                + " under the first configured key.");
        return ExitCodes.OK;
    }
}

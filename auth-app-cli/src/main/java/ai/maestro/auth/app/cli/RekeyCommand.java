package ai.maestro.auth.app.cli;

import ai.maestro.auth.adapter.out.persistence.JdbiCredentialStore;
import picocli.CommandLine.Command;

/** {@code rekey}: re-encrypt every row under the first configured key. */
@Command(name = "rekey", mixinStandardHelpOptions = true,
        description = {"Re-encrypt every stored credential under the first key of MAESTRO_AUTH_ENCRYPTION_KEY",
                "(id:base64,id:base64: the first encrypts, any decrypts). Drop the old key afterwards."})
final class RekeyCommand extends Subcommand {
    @Override
    public Integer call() {
        CliContext context = context();
        int changed = context.get(JdbiCredentialStore.class).rekey();
        context.out().println("Re-encrypted " + changed + " credential" + (changed == 1 ? "" : "s")
                + " under the first configured key.");
        return ExitCodes.OK;
    }
}

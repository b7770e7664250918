package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.RekeyUseCase;
import ai.maestro.auth.domain.error.ExitCodes;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rekey}: re-encrypt every row under the first configured key, or move the key itself. */
@Command(name = "rekey", mixinStandardHelpOptions = true,
        description = {"Re-encrypt every stored credential under the first key of MAESTRO_AUTH_ENCRYPTION_KEY"
                + " (id:base64,id:base64: the first encrypts, any decrypts). Drop the old key afterwards.",
                "With --key-store, move the data directory's key into the operating system's keyring or back"
                + " into a file; the old copy goes only once the new place holds it and a stored credential"
                + " decrypts with it."})
final class RekeyCommand extends Subcommand {
    @Option(names = "--key-store", paramLabel = "keyring|file",
            description = "Move the encryption key into the keyring or into the file encryption.key.")
    String keyStore;

    @Override
    public Integer call() {
        CliContext context = context();
        if (keyStore != null) {
            if (!keyStore.equals("keyring") && !keyStore.equals("file")) {
                context.err().println("maestro-auth: --key-store is keyring or file. Run `maestro-auth rekey --help`"
                        + " for more.");
                return ExitCodes.USAGE;
            }
        }
        context.out().println(Terminal.safe(context.get(RekeyUseCase.class).rekey(Optional.ofNullable(keyStore))));
        return ExitCodes.OK;
    }
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.ServeTokensUseCase;
import ai.maestro.auth.domain.ProviderId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code exec <provider>… [--account NAME] -- <command> [args…]}: runs a command as a child with a
 * token host it alone can reach (its address and secret in the child's environment), and exits
 * with the child's exit code.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command with a token host for it: the child gets MAESTRO_AUTH_URL and",
                "MAESTRO_AUTH_SECRET, and GET $MAESTRO_AUTH_URL/v1/token/<provider> with",
                "\"Authorization: Bearer $MAESTRO_AUTH_SECRET\" answers a valid token of the",
                "accounts named here (?format=text: the bare token). Exits with the child's code.",
                "  maestro-auth exec openai -- python3 agent.py"})
final class ExecCommand extends Subcommand {
    @Parameters(index = "0..*", arity = "1..*", paramLabel = "PROVIDER… -- COMMAND",
            description = "The providers the child may ask for (openai, anthropic), then -- and the command.")
    List<String> words = new ArrayList<>();

    @Mixin
    AccountOption account = new AccountOption();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        CliContext context = context();
        // Picocli takes what follows -- as positional words too: the command is what the original line has after it.
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int delimiter = original.indexOf("--");
        List<String> command = delimiter < 0 ? List.of() : original.subList(delimiter + 1, original.size());
        if (command.isEmpty() || words.size() <= command.size()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "name the providers, then -- and the command to run, e.g. exec openai -- python3 agent.py");
        }
        java.util.Set<ProviderId> providers = new java.util.LinkedHashSet<>();
        for (String word : words.subList(0, words.size() - command.size())) {
            try {
                providers.add(new ProviderConverter().convert(word));
            } catch (picocli.CommandLine.TypeConversionException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        // A named account is resolved now: an unknown one is exit 3 before anything runs.
        try (ServeTokensUseCase.TokenServer host = context.get(ServeTokensUseCase.class).serve(providers,
                account.selector(context))) {
            return ChildProcess.run(command, host.environment());
        }
    }
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.AccountChoice;
import ai.maestro.auth.domain.ProviderId;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --account LABEL} (or MAESTRO_AUTH_ACCOUNT): which stored account a command acts on. */
final class AccountOption {
    static final String VARIABLE = "MAESTRO_AUTH_ACCOUNT";

    @Option(names = "--account", paramLabel = "LABEL",
            description = "The account to use: its label, e-mail or account id (default: MAESTRO_AUTH_ACCOUNT, else"
                    + " the provider's default account; see `status` and `use`).")
    String account;

    /** The account asked for, from the option or the environment; empty for the provider's default. */
    Optional<String> selector(CliContext context) {
        if (account != null && !account.isBlank()) {
            return Optional.of(account.strip());
        }
        return Optional.ofNullable(context.config().environment().get(VARIABLE)).map(String::strip)
                .filter(value -> !value.isEmpty());
    }

    /** The account asked for of {@code provider}: the option's, the environment's, or the default. */
    AccountChoice choice(CliContext context, ProviderId provider) {
        return new AccountChoice(provider, selector(context));
    }
}

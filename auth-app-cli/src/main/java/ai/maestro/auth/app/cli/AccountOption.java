package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
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

    /** The stored account asked for; exit 3 with the stored labels when it is unknown or ambiguous. */
    Account resolve(CliContext context, ProviderId provider) {
        return resolve(context, provider, AuthType.OAUTH);
    }

    /** As {@link #resolve(CliContext, ProviderId)}; with nothing stored, the advice is about {@code wanted}. */
    Account resolve(CliContext context, ProviderId provider, AuthType wanted) {
        return context.get(OAuthService.class).accounts().resolve(provider, selector(context), wanted);
    }
}

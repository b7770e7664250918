package ai.maestro.auth.domain.error;

import ai.maestro.auth.domain.ConfigProblem;
import java.util.List;
import java.util.stream.Collectors;

/** The configuration is invalid; carries every problem found, not just the first. */
public final class ConfigurationException extends AuthException {
    private final List<ConfigProblem> problems;

    public ConfigurationException(List<ConfigProblem> problems) {
        super("Invalid configuration: " + problems.stream().map(ConfigProblem::message)
                        .collect(Collectors.joining("; ")) + ".",
                "Fix the named environment variables (or unset them to use the defaults).", null);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}

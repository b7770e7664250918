package ai.maestro.auth.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The LLM providers we can sign in to. */
public enum ProviderId {
    OPENAI("openai", "OpenAI"),
    ANTHROPIC("anthropic", "Anthropic");

    private final String cliName;
    private final String displayName;

    ProviderId(String cliName, String displayName) {
        this.cliName = cliName;
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** The lower-case name used on the command line and in environment variable prefixes' docs. */
    public String cliName() {
        return cliName;
    }

    public static Optional<ProviderId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.cliName.equals(wanted)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(ProviderId::cliName).collect(Collectors.joining(", "));
    }
}

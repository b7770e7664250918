package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.ProviderId;
import picocli.CommandLine;

/** Parses {@code openai} / {@code anthropic} and lists the choices when the word is wrong. */
final class ProviderConverter implements CommandLine.ITypeConverter<ProviderId> {
    /** What shell completion offers: the names as typed, in lower case. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(ProviderId.values()).map(ProviderId::cliName).iterator();
        }
    }

    @Override
    public ProviderId convert(String value) {
        return ProviderId.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "unknown provider '" + value + "' (choose one of: " + ProviderId.choices() + ")"));
    }
}

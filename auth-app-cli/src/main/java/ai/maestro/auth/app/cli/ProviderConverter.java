package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.ProviderId;
import picocli.CommandLine;

/** Parses {@code openai} / {@code anthropic} and lists the choices when the word is wrong. */
final class ProviderConverter implements CommandLine.ITypeConverter<ProviderId> {
    @Override
    public ProviderId convert(String value) {
        return ProviderId.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "unknown provider '" + value + "' (choose one of: " + ProviderId.choices() + ")"));
    }
}

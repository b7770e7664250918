package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.ProviderId;
import picocli.CommandLine.Parameters;

/** The {@code <provider>} argument that most commands take. */
final class ProviderParameter {
    @Parameters(index = "0", paramLabel = "<provider>", converter = ProviderConverter.class,
            completionCandidates = ProviderConverter.Names.class, description = "openai or anthropic")
    ProviderId provider;
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.app.wiring.EffectiveSettings;
import ai.maestro.auth.domain.error.ExitCodes;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code config}: the effective settings and where each came from. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show the effective configuration and where each value comes from. Secrets are masked.",
        footer = "Exit code 7 when a setting is invalid.")
final class ConfigCommand extends Subcommand {
    /** Variable, where it came from, value: the value last, so a long one cannot push the others out of line. */
    private static final String FORMAT = "  %-40s %-13s %s%n";

    @Override
    public Integer call() {
        PrintWriter out = context().out();
        EffectiveSettings settings = EffectiveSettings.of(context().config());
        boolean first = true;
        for (EffectiveSettings.Section section : settings.sections()) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(section.title());
            section.settings().forEach(s -> out.printf(FORMAT, s.variable(), s.source(), s.value()));
        }
        if (settings.problems().isEmpty()) {
            return ExitCodes.OK;
        }
        out.println();
        out.println("Problems:");
        settings.problems().forEach(p -> out.println("  - " + p.message()));
        return ExitCodes.CONFIGURATION;
    }
}

package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.ReadUsageUseCase;
import ai.maestro.auth.domain.UsageReport;
import ai.maestro.auth.domain.config.ProviderConfigs;
import ai.maestro.auth.domain.error.ExitCodes;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code usage openai}: the sign-in's plan, rate-limit windows and credits. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Show the OpenAI sign-in's plan, its rate-limit windows (used %%, reset) and credits.")
final class UsageCommand extends ProviderSubcommand {
    private static final int BAR = 20;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE HH:mm");

    @Option(names = "--json", description = "Print JSON instead of bars.")
    boolean json;

    @Option(names = "--all", description = "Every stored OpenAI account's usage, one after the other.")
    boolean all;

    @Override
    public Integer call() {
        CliContext context = context();
        if (!context.get(ProviderConfigs.class).get(target.provider).offersUsage()) {
            context.err().println("maestro-auth: only the OpenAI sign-in reports usage; try"
                    + " `maestro-auth verify " + target.provider.cliName() + "`.");
            return ExitCodes.USAGE;
        }
        Instant now = context.config().clock().instant();
        ReadUsageUseCase usage = context.get(ReadUsageUseCase.class);
        List<ReadUsageUseCase.AccountUsage> reports = usage.usage(account.choice(context, target.provider), all);
        ObjectMapper mapper = new ObjectMapper();
        if (!all) {
            UsageReport report = reports.get(0).report();
            if (json) {
                context.out().println(toJson(mapper, report));
            } else {
                print(context.out(), report, now, ZoneId.systemDefault());
            }
            return ExitCodes.OK;
        }
        var array = mapper.createArrayNode();
        for (ReadUsageUseCase.AccountUsage each : reports) {
            if (json) {
                array.add(toJson(mapper, each.report()).put("account", each.account().label()));
            } else {
                context.out().println("Account " + each.account().label() + (each.account().isDefault()
                        ? " (default)" : "") + ":");
                print(context.out(), each.report(), now, ZoneId.systemDefault());
                context.out().println();
            }
        }
        if (json) {
            context.out().println(array);
        }
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, UsageReport report, Instant now, ZoneId zone) {
        out.println("Plan: " + report.planType().map(Terminal::safe).orElse("unknown"));
        if (report.windows().isEmpty()) {
            out.println("Rate limits: unknown");
        }
        for (UsageReport.Window window : report.windows()) {
            String name = window.length().map(UsageCommand::windowName)
                    .orElse(window.name() + " window");
            String used = window.usedPercent().isPresent()
                    ? bar(window.usedPercent().getAsDouble()) + String.format(" %3.0f%% used",
                    Math.min(100, Math.max(0, window.usedPercent().getAsDouble())))
                    : "[" + " ".repeat(BAR) + "]  unknown";
            String resets = window.resetsAt().map(at -> "resets " + LOCAL.format(at.atZone(zone)) + " ("
                    + Display.relative(at, now) + ")").orElse("reset unknown");
            out.printf("%-17s %s, %s%n", name, used, resets);
        }
        out.println("Credits: " + report.creditsBalance().map(Terminal::safe).orElse("unknown"));
    }

    private static String bar(double percent) {
        int filled = (int) Math.round(Math.min(100, Math.max(0, percent)) / 100 * BAR);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }

    private static ObjectNode toJson(ObjectMapper mapper, UsageReport report) {
        ObjectNode root = mapper.createObjectNode();
        root.put("plan_type", report.planType().orElse(null));
        var windows = root.putArray("windows");
        for (UsageReport.Window window : report.windows()) {
            ObjectNode node = windows.addObject().put("name", window.name());
            if (window.usedPercent().isPresent()) {
                node.put("used_percent", window.usedPercent().getAsDouble());
            } else {
                node.putNull("used_percent");
            }
            node.put("limit_window_seconds", window.length().map(d -> d.toSeconds()).orElse(null));
            node.put("resets_at", window.resetsAt().map(Instant::toString).orElse(null));
        }
        root.put("credits_balance", report.creditsBalance().orElse(null));
        return root;
    }

    /** "5 h window", "7 days window": the window's length as people name it. */
    private static String windowName(java.time.Duration length) {
        long hours = length.toHours();
        if (length.toSeconds() % 86400 == 0) {
            return length.toDays() + (length.toDays() == 1 ? " day" : " days") + " window";
        }
        return length.toSeconds() % 3600 == 0 ? hours + " h window" : Display.span(length) + " window";
    }
}

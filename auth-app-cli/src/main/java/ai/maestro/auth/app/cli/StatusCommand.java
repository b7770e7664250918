package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.ReadStatusUseCase;
import ai.maestro.auth.application.port.inbound.StoreStatus;
import ai.maestro.auth.domain.CredentialHealth;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.UnstoredRefresh;
import ai.maestro.auth.domain.error.ExitCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Option;

/** {@code status}: what is stored, without a secret. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"List stored credentials: provider, account (its label; * marks the provider's default),"
                + " e-mail and plan, type, expiry, whether it can refresh, state. No secrets.",
                "Pick the default with `maestro-auth use <provider> LABEL`."},
        footer = "Exit code 0 when something is stored, 3 when nothing is.")
final class StatusCommand extends Subcommand {
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    /** A row's state: a stable value for scripts ({@code status --json}) and the words for people. */
    enum State {
        OK("ok"), REFRESH_PENDING("refresh not stored"), RELOGIN_REQUIRED("log in again"), UNREADABLE("unreadable"),
        UNKNOWN_VERSION("unknown to this version");

        final String words;

        State(String words) {
            this.words = words;
        }

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One row, as shown. */
    private record Row(String provider, String label, boolean isDefault, String authType, String account, String plan,
                       Instant expiresAt, boolean refreshable, State state, String message,
                       Optional<RefreshRecord> lastRefresh, CredentialKey key, CredentialHealth health) {
        Row(String provider, String label, boolean isDefault, String authType, String account, String plan,
            Instant expiresAt, boolean refreshable, State state, String message) {
            this(provider, label, isDefault, authType, account, plan, expiresAt, refreshable, state, message,
                    Optional.empty(), null, null);
        }


        /** The state, and the last refresh when it failed (one that went well is in --json, not on every line). */
        String stateText(Instant now) {
            String text = message.isEmpty() ? state.words : state.words + " (" + message + ")";
            return lastRefresh.filter(r -> r.outcome().failed()).map(r -> text + "; " + failure(r, now)).orElse(text);
        }
    }

    /** "last refresh failed 3 min ago: the token endpoint was unavailable". */
    private static String failure(RefreshRecord record, Instant now) {
        return "last refresh failed " + Display.span(Duration.between(record.at(), now).abs()) + " ago: "
                + record.reason().map(Terminal::safe).orElse(record.outcome().tag());
    }

    @Override
    public Integer call() throws Exception {
        CliContext context = context();
        Instant now = context.config().clock().instant();
        StoreStatus status = context.get(ReadStatusUseCase.class).status();
        List<Row> rows = new ArrayList<>(status.entries().stream().map(StatusCommand::row).toList());
        for (String unknown : status.unrecognizedRows()) {
            // A newer maestro-auth wrote it: show it, and leave it alone.
            int slash = unknown.indexOf('/');
            rows.add(new Row(Terminal.safe(unknown.substring(0, slash)).toLowerCase(Locale.ROOT), null, false,
                    Terminal.safe(unknown.substring(slash + 1)).toLowerCase(Locale.ROOT), null, null, null, false,
                    State.UNKNOWN_VERSION, "written by a newer maestro-auth; left alone"));
        }
        if (json) {
            printJson(context.out(), rows, now);
        } else if (rows.isEmpty()) {
            context.out().println("Nothing is stored. Run: maestro-auth login openai");
        } else {
            printTable(context.out(), rows, now);
            // Where the key is, and why: a keyring that did not answer is never a silent fallback.
            printKeySource(context, Terminal.safe(status.keySource()));
        }
        return rows.isEmpty() ? ExitCodes.NOT_LOGGED_IN : ExitCodes.OK;
    }

    private static final String KEY_LABEL = "Encryption key: ";

    /**
     * One line for a script; on a terminal narrower than the line, words wrapped under the value (the
     * reason can be long: it says why no keyring answered), not cut anywhere by the terminal.
     */
    private static void printKeySource(CliContext context, String source) {
        int length = KEY_LABEL.length() + source.length();
        // The terminal is asked (a process) only when the line may not fit.
        int width = length > 80 && context.interactive() ? Tty.columns().orElse(80) : 0;
        if (width == 0 || length < width || width < KEY_LABEL.length() + 20) {
            context.out().println(KEY_LABEL + source);
            return;
        }
        TextTable table = TextTable.forColumns(Help.defaultColorScheme(Help.Ansi.OFF),
                new Column(KEY_LABEL.length(), 0, Column.Overflow.SPAN),
                new Column(width - 1 - KEY_LABEL.length(), 0, Column.Overflow.WRAP));
        table.addRowValues(KEY_LABEL.trim(), source);
        table.toString().lines().map(String::stripTrailing).forEach(context.out()::println);
    }

    private static Row row(StoreStatus.Entry entry) {
        CredentialSummary summary = entry.summary();
        String provider = summary.provider().cliName();
        String authType = summary.authType().name().toLowerCase(Locale.ROOT);
        Instant expires = summary.expiresAt().orElse(null);
        if (entry.unreadable().isPresent()) {
            return new Row(provider, summary.label(), summary.isDefault(), authType, null, null, expires, false,
                    State.UNREADABLE, entry.unreadable().get().keyId().map(id -> "key " + id).orElse(""),
                    Optional.empty(), summary.key(), entry.health());
        }
        String account = entry.claims().flatMap(IdTokenClaims::emailIfKnown).map(Terminal::safe).orElse(null);
        String plan = entry.claims().flatMap(IdTokenClaims::planTypeIfKnown).map(Terminal::safe).orElse(null);
        State state = summary.reloginRequired() ? State.RELOGIN_REQUIRED
                : summary.unstoredRefresh().isPresent() ? State.REFRESH_PENDING : State.OK;
        String message = switch (state) {
            case OK -> "";
            case REFRESH_PENDING -> unstored(summary.unstoredRefresh().get(), provider);
            default -> "run: maestro-auth login " + provider;
        };
        return new Row(provider, summary.label(), summary.isDefault(), authType, account, plan, expires,
                entry.refreshable(), state, message, summary.lastRefresh(), summary.key(), entry.health());
    }

    /** Where the newest sign-in may be waiting, for a refresh another process has not stored. */
    private static String unstored(UnstoredRefresh refresh, String provider) {
        return "a refresh by " + Terminal.safe(refresh.holder()) + " started at " + refresh.since()
                + (refresh.leaseEnded() ? " ended without storing its result" : " is in flight or stopped")
                + "; its new tokens may wait in that machine's journal: run `maestro-auth token " + provider
                + "` there";
    }

    /**
     * Columns as wide as their widest cell, header included (the last one, the state, unpadded): a long
     * cell never shifts the others, and a signed-in account fits an 80-column terminal.
     */
    private static void printTable(PrintWriter out, List<Row> rows, Instant now) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"PROVIDER", "ACCOUNT", "AUTH", "E-MAIL (PLAN)", "EXPIRES", "REFRESH", "STATE"});
        for (Row row : rows) {
            lines.add(new String[] {row.provider(),
                    row.label() == null ? "-" : row.label() + (row.isDefault() ? " *" : ""), row.authType(),
                    row.account() == null ? "-" : row.account() + (row.plan() == null ? "" : " (" + row.plan() + ")"),
                    row.expiresAt() == null ? "-" : Display.relative(row.expiresAt(), now),
                    row.refreshable() ? "yes" : "no", row.stateText(now)});
        }
        int[] widths = new int[lines.get(0).length];
        for (String[] line : lines) {
            for (int column = 0; column < widths.length - 1; column++) {
                widths[column] = Math.max(widths[column], line[column].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int column = 0; column < widths.length - 1; column++) {
                text.append(line[column]).append(" ".repeat(widths[column] - line[column].length() + 2));
            }
            out.println(text.append(line[widths.length - 1]));
        }
    }

    private static void printJson(PrintWriter out, List<Row> rows, Instant now) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (Row row : rows) {
            ObjectNode node = array.addObject().put("provider", row.provider()).put("label", row.label())
                    .put("default", row.isDefault()).put("auth_type", row.authType())
                    .put("account", row.account()).put("plan", row.plan());
            if (row.expiresAt() == null) {
                node.putNull("expires_at").putNull("expires_in_seconds");
            } else {
                node.put("expires_at", row.expiresAt().toString())
                        .put("expires_in_seconds", Duration.between(now, row.expiresAt()).toSeconds());
            }
            node.put("refreshable", row.refreshable()).put("state", row.state().json()).put("message", row.message());
            if (row.lastRefresh().isEmpty()) {
                node.putNull("last_refresh");
            } else {
                RefreshRecord last = row.lastRefresh().get();
                ObjectNode refresh = node.putObject("last_refresh").put("at", last.at().toString())
                        .put("outcome", last.outcome().tag());
                if (last.reason().isPresent()) {
                    refresh.put("reason", last.reason().get());
                } else {
                    refresh.putNull("reason");
                }
            }
            CredentialHealth of = row.health();
            if (of == null) {
                node.putNull("health");
            } else {
                node.putObject("health").put("status", of.status().name()).put("reason", of.reason())
                        .put("next_step", of.nextStep());
            }
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
    }
}

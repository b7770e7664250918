import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Draws the JMH results of maestro-auth's benchmarks as horizontal bars, one row per benchmark
 * (and parameter), on a log scale so that nanoseconds and milliseconds fit one chart.
 *
 * <p>Usage: {@code java scripts/PerfChart.java docs/perf/jmh-*.json docs/perf/benchmarks.png}
 * (JDK 11+ runs a single source file; headless, no libraries).
 */
public class PerfChart {
    record Row(String label, double micros) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java scripts/PerfChart.java <jmh.json>... <out.png>");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < args.length - 1; i++) {
            rows.addAll(read(Path.of(args[i])));
        }
        draw(rows, new File(args[args.length - 1]));
    }

    /** Reads "benchmark", "params" and "primaryMetric" {score, scoreUnit} from JMH's JSON output. */
    static List<Row> read(Path file) throws Exception {
        String json = Files.readString(file);
        List<Row> rows = new ArrayList<>();
        Matcher entry = Pattern.compile("\"benchmark\"\\s*:\\s*\"([^\"]+)\"(.*?)\"primaryMetric\"\\s*:\\s*\\{\\s*"
                + "\"score\"\\s*:\\s*([0-9.eE+-]+).*?\"scoreUnit\"\\s*:\\s*\"([^\"]+)\"", Pattern.DOTALL).matcher(json);
        while (entry.find()) {
            String name = entry.group(1).replaceFirst(".*\\.bench\\.", "");
            Matcher param = Pattern.compile("\"params\"\\s*:\\s*\\{([^}]*)\\}").matcher(entry.group(2));
            if (param.find()) {
                name += " [" + param.group(1).replaceAll("[\"\\s]", "").replace(":", "=") + "]";
            }
            double score = Double.parseDouble(entry.group(3));
            String unit = entry.group(4);
            double micros = unit.startsWith("ns") ? score / 1000 : unit.startsWith("ms") ? score * 1000 : score;
            rows.add(new Row(name, micros));
        }
        return rows;
    }

    static void draw(List<Row> rows, File out) throws Exception {
        int rowHeight = 26;
        int labelWidth = 430;
        int barWidth = 560;
        int width = labelWidth + barWidth + 120;
        int height = 60 + rows.size() * rowHeight + 40;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("maestro-auth benchmarks (JMH; microseconds, log scale; shorter is faster)", 12, 28);
        double min = Math.log10(rows.stream().mapToDouble(Row::micros).min().orElse(0.01) / 2);
        double max = Math.log10(rows.stream().mapToDouble(Row::micros).max().orElse(1000) * 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            int y = 50 + i * rowHeight;
            String label = row.label();
            boolean ours = !label.matches("(?i).*(nimbus|floor|kept|map).*");
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, 12, y + 16);
            int length = (int) Math.max(2, (Math.log10(row.micros()) - min) / (max - min) * barWidth);
            g.setColor(ours ? new Color(0x1a7f37) : new Color(0x8c959f));
            g.fillRect(labelWidth, y + 4, length, rowHeight - 8);
            g.setColor(Color.BLACK);
            g.drawString(format(row.micros()), labelWidth + length + 6, y + 16);
        }
        g.setColor(Color.GRAY);
        g.drawString("green: maestro-auth; grey: baselines (Nimbus SDK, hand-written or raw-client floors, kept JDBC"
                + " connection, map lookup)", 12, height - 14);
        g.dispose();
        ImageIO.write(image, "png", out);
    }

    static String format(double micros) {
        if (micros < 1) {
            return String.format("%.0f ns", micros * 1000);
        }
        if (micros < 1000) {
            return String.format("%.1f µs", micros);
        }
        return String.format("%.2f ms", micros / 1000);
    }
}

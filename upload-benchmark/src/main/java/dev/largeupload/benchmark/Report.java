package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a run, printed as a table and written as {@code results.csv} (one row per figure),
 * {@code results.md} (the machine and the table, ready for the README) and {@code machine.txt}.
 */
final class Report {

    private static final String[] HEADER = {"case", "configuration", "metric", "value", "unit", "baseline",
            "baseline value", "ratio", "goal", "met"};

    private final List<Figure> figures = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<Path> charts = new ArrayList<>();

    synchronized void add(List<Figure> more) {
        figures.addAll(more);
    }

    synchronized void failed(String section, Exception e) {
        failures.add(section + ": " + e);
    }

    synchronized void chart(Path png) {
        charts.add(png);
    }

    /** The figures in case order (1 to 5), each case's in the order measured. */
    synchronized List<Figure> figures() {
        return figures.stream().sorted(java.util.Comparator.comparing(Figure::section)).toList();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    List<Path> charts() {
        return List.copyOf(charts);
    }

    /** The table as fixed-width text. */
    String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        figures().forEach(f -> rows.add(cells(f)));
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                boolean number = i == 3 || i == 6 || i == 7;
                String format = "%" + (number ? "" : "-") + widths[i] + "s";
                text.append(String.format(format, row[i])).append(i < row.length - 1 ? "  " : "\n");
            }
        }
        failures.forEach(f -> text.append("FAILED ").append(f).append('\n'));
        return text.toString();
    }

    /** Writes the CSV, the Markdown summary and the machine description into {@code out}. */
    void write(Path out, Machine machine, String command) {
        try {
            Files.createDirectories(out);
            StringBuilder csv = new StringBuilder(String.join(",", HEADER).replace(' ', '_')).append('\n');
            for (Figure f : figures()) {
                String[] cells = cells(f);
                cells[3] = raw(f.value());
                cells[6] = raw(f.baselineValue());
                cells[7] = raw(f.ratio());
                csv.append(String.join(",", java.util.Arrays.stream(cells).map(Report::csvCell).toList())).append('\n');
            }
            Files.writeString(out.resolve("results.csv"), csv);

            StringBuilder facts = new StringBuilder();
            for (Map.Entry<String, String> fact : machine.facts().entrySet()) {
                facts.append(fact.getKey()).append(": ").append(fact.getValue()).append('\n');
            }
            facts.append("command: ").append(command).append('\n');
            Files.writeString(out.resolve("machine.txt"), facts);

            StringBuilder md = new StringBuilder("Measured ").append(machine.date()).append(" with `").append(command).append("`.\n\n");
            machine.facts().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
            md.append("\nThe goals:\n\n| case | configuration | figure | baseline | ratio | goal | met |\n|---|---|---|---|---|---|---|\n");
            for (Figure f : figures()) {
                if (!f.goal().isEmpty()) {
                    String[] c = cells(f);
                    md.append("| ").append(String.join(" | ", c[0], c[1], c[2] + ": " + c[3] + " " + c[4],
                            c[5].isEmpty() ? "" : c[5] + ": " + c[6] + " " + c[4], c[7], c[8], c[9])).append(" |\n");
                }
            }
            md.append("\nEvery figure:\n\n| ").append(String.join(" | ", HEADER)).append(" |\n|");
            md.append("---|".repeat(HEADER.length)).append('\n');
            for (Figure f : figures()) {
                md.append("| ").append(String.join(" | ", cells(f))).append(" |\n");
            }
            failures.forEach(f -> md.append("\nFAILED: ").append(f).append('\n'));
            Files.writeString(out.resolve("results.md"), md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] cells(Figure f) {
        return new String[] {f.section(), f.configuration(), f.metric(), shown(f.value()), f.unit(), f.baseline(),
                shown(f.baselineValue()), Double.isNaN(f.ratio()) ? "" : String.format(Locale.ROOT, "%.2f", f.ratio()),
                f.goal(), f.verdict()};
    }

    /** Three significant figures or whole numbers, as a reader wants them. */
    static String shown(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f", value);
    }

    private static String raw(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String csvCell(String cell) {
        return cell.contains(",") || cell.contains("\"") ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}

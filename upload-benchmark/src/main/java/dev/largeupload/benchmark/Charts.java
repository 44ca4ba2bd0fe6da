package dev.largeupload.benchmark;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Grouped bar charts as PNG (XChart, rendered headless). */
final class Charts {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd)};

    private Charts() {
    }

    /** Three significant figures or so, so that the labels on the bars stay short. */
    private static double rounded(double value) {
        double scale = Math.abs(value) >= 100 ? 1 : Math.abs(value) >= 10 ? 10 : Math.abs(value) >= 1 ? 100 : 1000;
        return Math.round(value * scale) / scale;
    }

    /** A bar chart of named series over {@code categories}; each series has one value per category. */
    static Path bars(Path file, String title, String yTitle, List<String> categories, Map<String, List<Double>> series) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(800, 110 * categories.size() + 300)).height(520)
                .title(title).xAxisTitle("").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setSeriesColors(COLORS);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.DARK_GRAY);
        chart.getStyler().setLabelsRotation(90);
        chart.getStyler().setYAxisMin(0.0);
        Map<String, List<Double>> ordered = new LinkedHashMap<>(series);
        ordered.forEach((name, values) -> chart.addSeries(name, categories, values.stream().map(Charts::rounded).toList()));
        try {
            Files.createDirectories(file.getParent());
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(file + (file.toString().endsWith(".png") ? "" : ".png"));
    }
}

package dev.largeupload.web.it;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the Prometheus text format of {@code /metrics} into series and values. A series is the metric
 * name with its labels other than {@code mp_scope}, e.g. {@code upload_chunks_refused_total{reason="upload.not-found"}}.
 */
final class PrometheusText {

    private PrometheusText() {
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new HashMap<>();
        text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space).strip();
            double value = Double.parseDouble(line.substring(space + 1));
            series.put(normalise(name), value);
        });
        return series;
    }

    /** Drops {@code mp_scope} and the trailing comma Liberty writes: {@code a{mp_scope="x",b="y",}} becomes {@code a{b="y"}}. */
    private static String normalise(String name) {
        int brace = name.indexOf('{');
        if (brace < 0) {
            return name;
        }
        String labels = name.substring(brace + 1, name.length() - 1);
        StringBuilder kept = new StringBuilder();
        for (String label : labels.split(",(?=[a-zA-Z_]+=\")")) {
            String clean = label.endsWith(",") ? label.substring(0, label.length() - 1) : label;
            if (!clean.isEmpty() && !clean.startsWith("mp_scope=")) {
                kept.append(kept.length() == 0 ? "" : ",").append(clean);
            }
        }
        return kept.length() == 0 ? name.substring(0, brace) : name.substring(0, brace) + "{" + kept + "}";
    }
}

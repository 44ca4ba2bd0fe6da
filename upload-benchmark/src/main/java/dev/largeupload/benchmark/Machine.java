package dev.largeupload.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a run was measured on: what a reader needs to judge its figures. */
record Machine(Map<String, String> facts) {

    static Machine describe(Path workDir) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        facts.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        facts.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        facts.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> String.format("%.1f GiB", Long.parseLong(kb.replace("kB", "").trim()) / 1024.0 / 1024.0))
                .orElse("unknown"));
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        facts.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.vendor") + ")");
        facts.put("disk", diskOf(workDir));
        facts.put("load average at start", loadAverage());
        return new Machine(facts);
    }

    Machine withLoadAtEnd() {
        Map<String, String> more = new LinkedHashMap<>(facts);
        more.put("load average at end", loadAverage());
        return new Machine(more);
    }

    String date() {
        return facts.get("date");
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String diskOf(Path dir) {
        try {
            var store = Files.getFileStore(dir);
            return store.name() + " (" + store.type() + ") for " + dir;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}

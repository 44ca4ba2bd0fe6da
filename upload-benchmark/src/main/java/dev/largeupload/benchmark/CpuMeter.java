package dev.largeupload.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a shared machine's cores went while a figure was measured: the cores each named process
 * (alone, not its children) kept busy over an interval, CPU-seconds divided by wall-clock seconds,
 * and first the whole machine's busy cores (from {@code /proc/stat}; absent where there is none).
 * It tells a bound in the code from a machine that had no core left.
 */
final class CpuMeter {

    static final String MACHINE = "machine";
    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final Map<String, ProcessHandle> processes;
    private final Map<String, Duration> start = new LinkedHashMap<>();
    private long[] machineStart;
    private long startNanos;

    CpuMeter(Map<String, ProcessHandle> processes) {
        this.processes = new LinkedHashMap<>(processes);
    }

    /** Starts an interval. */
    CpuMeter start() {
        processes.forEach((name, process) -> start.put(name, cpu(process)));
        machineStart = machineTicks();
        startNanos = System.nanoTime();
        return this;
    }

    /** Cores busy since {@link #start()}: the machine's (when known), then each process's in the order given. */
    Map<String, Double> coresBusy() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long[] machineEnd = machineTicks();
        Map<String, Double> busy = new LinkedHashMap<>();
        if (machineStart != null && machineEnd != null && machineEnd[1] > machineStart[1]) {
            double share = (double) (machineEnd[0] - machineStart[0]) / (machineEnd[1] - machineStart[1]);
            busy.put(MACHINE, share * Runtime.getRuntime().availableProcessors());
        }
        processes.forEach((name, process) ->
                busy.put(name, cpu(process).minus(start.get(name)).toNanos() / 1e9 / seconds));
        return busy;
    }

    /** CPU seconds each process used since {@link #start()}, in the order given. */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        processes.forEach((name, process) -> seconds.put(name, cpu(process).minus(start.get(name)).toNanos() / 1e9));
        return seconds;
    }

    /** "machine 1.90, server 0.53, benchmark 0.05": cores busy, for the log. */
    static String format(Map<String, Double> coresBusy) {
        return coresBusy.entrySet().stream()
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** One plain figure per entry of {@code coresBusy}, named "cores busy {@code what}: name". */
    static List<Figure> figures(String section, String configuration, String what, Map<String, Double> coresBusy) {
        return coresBusy.entrySet().stream()
                .map(e -> Figure.plain(section, configuration, "cores busy " + what + ": " + e.getKey(), e.getValue(), "cores"))
                .toList();
    }

    /** Total CPU time of a process (0 where the OS does not tell). */
    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** {busy, total} ticks of all cores from the first line of /proc/stat; null where it cannot be read. */
    private static long[] machineTicks() {
        try {
            String first;
            try (BufferedReader reader = Files.newBufferedReader(PROC_STAT)) {
                first = reader.readLine();
            }
            String[] fields = first.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                long ticks = Long.parseLong(fields[i]);
                total += ticks;
                if (i == 4 || i == 5) { // idle and iowait
                    idle += ticks;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

package dev.largeupload.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Case 3: memory under load. A server on {@code -Xmx128m} takes large chunks all at once (8 of
 * 256 MiB), then many (32 of 50 MiB, all in flight); the heap in use after a full GC and the
 * resident set are read before and after. Goal: every chunk stored, heap growth under 16 MiB.
 */
final class MemoryCase {

    static final String SECTION = "3 memory";
    static final String HEAP = "128m";
    static final long GROWTH_LIMIT = 16 * Mode.MIB;

    private MemoryCase() {
    }

    static void run(Bench context) {
        Mode mode = context.mode();
        try (ServerProcess server = context.startServer("memory", Map.of(), HEAP)) {
            long pid = server.serverPid();
            int senders = Math.max(mode.memoryLargeChunks(), mode.memorySmallChunks());
            UploadApi[] clients = Ingest.clients(server.base(), context.payload(), senders);
            Ingest.upload(clients, mode.warmUpBytes(), 8 * Mode.MIB, 2, UploadApi.Digests.NONE);

            long heapBefore = JvmProbe.heapAfterGc(pid);
            long rssBefore = JvmProbe.procStatus(pid, "VmRSS");
            long peakBefore = JvmProbe.procStatus(pid, "VmHWM");
            AtomicInteger stored = new AtomicInteger();
            List<String> errors = new ArrayList<>();
            double large = burst(clients, mode.memoryLargeChunks(), mode.memoryLargeSize(), stored, errors);
            double small = burst(clients, mode.memorySmallChunks(), mode.memorySmallSize(), stored, errors);
            long heapAfter = JvmProbe.heapAfterGc(pid);
            long rssAfter = JvmProbe.procStatus(pid, "VmRSS");
            long peakAfter = JvmProbe.procStatus(pid, "VmHWM");

            int sent = mode.memoryLargeChunks() + mode.memorySmallChunks();
            String largeLabel = mode.memoryLargeChunks() + " × " + Mode.size(mode.memoryLargeSize()) + " at once";
            String smallLabel = mode.memorySmallChunks() + " × " + Mode.size(mode.memorySmallSize()) + " at once";
            String config = "-Xmx" + HEAP + ": " + largeLabel + ", then " + smallLabel;
            Bench.log(String.format("  [memory] %s: %d/%d stored; heap after GC %.1f -> %.1f MiB; RSS %.0f -> %.0f MiB, peak %.0f MiB%s",
                    config, stored.get(), sent, mib(heapBefore), mib(heapAfter), mib(rssBefore), mib(rssAfter), mib(peakAfter),
                    errors.isEmpty() ? "" : "; failures: " + errors));
            double growth = mib(heapAfter - heapBefore);
            context.report().add(List.of(
                    Figure.plain(SECTION, config, "chunks stored", stored.get(), "of " + sent).withGoal("all", stored.get() == sent),
                    Figure.against(SECTION, config, "heap after GC, after", mib(heapAfter), "MiB", "before", mib(heapBefore)),
                    Figure.plain(SECTION, config, "heap growth", growth, "MiB").withGoal("< 16 MiB", heapAfter - heapBefore < GROWTH_LIMIT),
                    Figure.against(SECTION, config, "RSS (VmRSS), after", mib(rssAfter), "MiB", "before", mib(rssBefore)),
                    Figure.against(SECTION, config, "peak RSS (VmHWM), after", mib(peakAfter), "MiB", "before", mib(peakBefore)),
                    Figure.plain(SECTION, largeLabel, "ingest", large, "MB/s"),
                    Figure.plain(SECTION, smallLabel, "ingest", small, "MB/s")));
            Map<String, List<Double>> series = new LinkedHashMap<>();
            series.put("before", List.of(mib(heapBefore), mib(rssBefore), mib(peakBefore)));
            series.put("after", List.of(mib(heapAfter), mib(rssAfter), mib(peakAfter)));
            context.report().chart(Charts.bars(context.chart("memory.png"), "Server memory on -Xmx" + HEAP + ": " + largeLabel
                    + ", then " + smallLabel, "MiB", List.of("heap after full GC", "RSS (VmRSS)", "peak RSS (VmHWM)"), series));
        }
    }

    /** Sends {@code count} chunks of {@code size} all at once in one upload; counts the stored ones. Returns MB/s. */
    private static double burst(UploadApi[] clients, int count, long size, AtomicInteger stored, List<String> errors) {
        UploadApi.Upload upload = clients[0].init("memory.bin", count * size, size);
        try {
            Parallel.Timing timing = Parallel.run(count, count, (worker, index) -> {
                try {
                    clients[worker].putChunk(upload, index, size, UploadApi.Digests.NONE);
                    stored.incrementAndGet();
                } catch (RuntimeException e) {
                    synchronized (errors) {
                        errors.add("chunk " + index + " of " + Mode.size(size) + ": " + e.getMessage());
                    }
                }
            });
            return Bench.megabytesPerSecond(count * size, timing.seconds());
        } finally {
            clients[0].delete(upload);
        }
    }

    private static double mib(long bytes) {
        return bytes / (double) Mode.MIB;
    }
}

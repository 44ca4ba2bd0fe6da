package dev.largeupload.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 1: ingest through the server on the filesystem store against a raw durable write of the
 * same chunks to the same disk ({@link RawDisk}) and against an HTTP server that discards them
 * ({@link HttpSink}), for every chunk size and number of chunks in flight. Goal: at least 0.70 of
 * the raw disk. Beside each it reports the cores the machine, the server and this benchmark kept
 * busy, through the server and while the benchmark wrote the raw disk.
 */
final class FilesystemCase {

    static final String SECTION = "1 filesystem";
    static final double GOAL = 0.70;

    private FilesystemCase() {
    }

    static void run(Bench context, ServerProcess server) {
        Mode mode = context.mode();
        int senders = mode.filesystemInFlight().stream().mapToInt(Integer::intValue).max().orElse(1);
        UploadApi[] toServer = Ingest.clients(server.base(), context.payload(), senders);
        RawDisk disk = new RawDisk(server.dataDir().resolve("raw-disk-baseline"), context.payload());
        List<Figure> figures = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("server (PUT, filesystem store)", new ArrayList<>());
        series.put("raw disk (FileChannel + fsync)", new ArrayList<>());
        series.put("HTTP sink (discards)", new ArrayList<>());
        try (HttpSink sink = new HttpSink()) {
            UploadApi[] toSink = Ingest.clients(sink.base(), context.payload(), senders);
            warmUp(context, toSink, disk);
            context.warmUp(server, () -> Ingest.warmUp(toServer, mode.warmUpBytes(), UploadApi.Digests.NONE));
            Map<String, ProcessHandle> processes = new LinkedHashMap<>();
            processes.put("server", ProcessHandle.of(server.serverPid()).orElseThrow());
            processes.put("benchmark", ProcessHandle.current());
            CpuMeter cpu = new CpuMeter(processes);
            for (long chunk : mode.filesystemChunkSizes()) {
                for (int inFlight : mode.filesystemInFlight()) {
                    long bytes = Mode.bytesFor(mode.filesystemBytes(), chunk, inFlight);
                    int count = (int) (bytes / chunk);
                    cpu.start();
                    double raw = Bench.megabytesPerSecond(bytes, Parallel.run(count, inFlight,
                            (worker, index) -> disk.writeChunk(index, chunk)).seconds());
                    Map<String, Double> rawCores = cpu.coresBusy();
                    disk.clear();
                    double http = Bench.megabytesPerSecond(bytes, Ingest.discard(toSink, bytes, chunk, inFlight).seconds());
                    cpu.start();
                    double ingest = Bench.megabytesPerSecond(bytes, Ingest.upload(toServer, bytes, chunk, inFlight, UploadApi.Digests.NONE).seconds());
                    Map<String, Double> serverCores = cpu.coresBusy();
                    String label = Mode.size(chunk) + " × " + inFlight;
                    Bench.log(String.format("  [filesystem] %s (%s): server %.0f MB/s, raw disk %.0f MB/s, HTTP sink %.0f MB/s;"
                                    + " cores busy: %s; raw disk: %s", label, Mode.size(bytes), ingest, raw, http,
                            CpuMeter.format(serverCores), CpuMeter.format(rawCores)));
                    figures.add(Figure.against(SECTION, label, "ingest vs raw disk", ingest, "MB/s", "raw disk", raw)
                            .withGoal("≥ 0.70", ingest / raw >= GOAL));
                    figures.add(Figure.against(SECTION, label, "ingest vs HTTP sink", ingest, "MB/s", "HTTP sink", http));
                    figures.addAll(CpuMeter.figures(SECTION, label, "through the server", serverCores));
                    figures.addAll(CpuMeter.figures(SECTION, label, "raw disk", rawCores));
                    labels.add(label);
                    series.get("server (PUT, filesystem store)").add(ingest);
                    series.get("raw disk (FileChannel + fsync)").add(raw);
                    series.get("HTTP sink (discards)").add(http);
                }
            }
        }
        context.report().add(figures);
        context.report().chart(Charts.bars(context.chart("filesystem.png"),
                "Filesystem store: ingest through the server vs its baselines (chunk size × in flight)",
                "MB/s (10^6 bytes/s)", labels, series));
    }

    /** JIT and page cache of the baselines: a round of each before anything is timed. */
    private static void warmUp(Bench context, UploadApi[] toSink, RawDisk disk) {
        long bytes = context.mode().warmUpBytes();
        long chunk = 8 * Mode.MIB;
        Parallel.run((int) (bytes / chunk), 2, (worker, index) -> disk.writeChunk(index, chunk));
        disk.clear();
        Ingest.discard(toSink, bytes, chunk, 2);
    }
}

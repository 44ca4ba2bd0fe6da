package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 7: a whole upload, end to end, against a peer that does the same job: this service (the
 * shared filesystem server, H2 metadata: init, every chunk by {@code PUT}, complete) and
 * {@code @tus/server} with {@code @tus/file-store} ({@link TusServer}: {@code POST}, then sequential
 * {@code PATCH}es), both sent the same random file ({@link SourceFile}) in requests of the same size
 * by the same HTTP/1.1 client, streamed from a mapping of the file. Ours is timed from init to
 * complete answered, at 1 and at 4 chunks in flight, with the complete call also timed alone; the
 * peer from its {@code POST} to its last {@code PATCH} answered. After untimed warm-up rounds of the
 * same uploads on both sides (until this server's JIT compilers are quiet, {@link Bench#warmUp}: a
 * long-running server compiled its code long ago), the rounds are paired (ours at 1, ours at 4, then the peer); the first timed upload of each
 * side is read back and compared byte for byte (length and SHA-256) with the file sent. Then the
 * complete call alone for uploads of growing size, with no digest given, shows whether it grows
 * with the bytes. No goal: it says where this service stands.
 *
 * <p>The two do not promise the same: this service makes every chunk durable before it answers it;
 * {@code @tus/file-store} writes through the page cache and never forces. Both are single servers on
 * one disk.
 */
final class EndToEndCase {

    static final String SECTION = "7 end to end";
    static final String PEER = "@tus/server";
    static final List<Integer> IN_FLIGHT = List.of(1, 4);

    /**
     * One upload: init to complete answered (the peer: POST to last PATCH answered) and complete alone
     * (NaN for the peer), in seconds, and the cores the machine and each process kept busy meanwhile.
     */
    private record Timing(double seconds, double completeSeconds, Map<String, Double> cores) {
    }

    private EndToEndCase() {
    }

    static void run(Bench context, ServerProcess server) {
        Mode mode = context.mode();
        long bytes = mode.endToEndBytes();
        long chunk = mode.endToEndChunkSize();
        int rounds = mode.endToEndRounds();
        UploadApi[] ours = Ingest.clients(server.base(), context.payload(), IN_FLIGHT.get(IN_FLIGHT.size() - 1));
        Map<Integer, List<Timing>> oursTimes = new LinkedHashMap<>();
        IN_FLIGHT.forEach(n -> oursTimes.put(n, new ArrayList<>()));
        List<Timing> peerTimes = new ArrayList<>();
        Bench.log("  writing a random file of " + Mode.size(bytes) + ", sent in requests of " + Mode.size(chunk));
        try (SourceFile source = SourceFile.create(context.workDir().resolve("endtoend-source.bin"), bytes);
             TusServer tus = TusServer.start(context.workDir().resolve("tus-server"))) {
            TusClient peer = new TusClient(tus.filesUrl());
            Map<String, ProcessHandle> processes = new LinkedHashMap<>();
            processes.put("server", ProcessHandle.of(server.serverPid()).orElseThrow());
            processes.put(PEER, tus.process());
            processes.put("benchmark", ProcessHandle.current());
            CpuMeter cpu = new CpuMeter(processes);
            // Untimed rounds of the same uploads on both sides, until our server's JIT is quiet ("warm server").
            context.warmUp(server, () -> {
                IN_FLIGHT.forEach(inFlight -> ours(ours, source, chunk, inFlight, false, cpu));
                peer(peer, tus, source, chunk, false, cpu);
            });
            for (int round = 1; round <= rounds; round++) {
                boolean verify = round == 1;
                for (int inFlight : IN_FLIGHT) {
                    oursTimes.get(inFlight).add(ours(ours, source, chunk, inFlight, verify, cpu));
                }
                Timing tusTiming = peer(peer, tus, source, chunk, verify, cpu);
                peerTimes.add(tusTiming);
                Bench.log(String.format("  round %d: ours %s, %s %.2f s", round,
                        String.join(", ", IN_FLIGHT.stream().map(n -> {
                            List<Timing> all = oursTimes.get(n);
                            return String.format("%d in flight %.2f s (complete %.2f s)", n,
                                    all.get(all.size() - 1).seconds(), all.get(all.size() - 1).completeSeconds());
                        }).toList()), PEER, tusTiming.seconds()));
            }
        }
        report(context, bytes, chunk, rounds, oursTimes, peerTimes);
        completeBySize(context, server, ours, chunk);
    }

    /** One upload of the whole file through our API; read back and compared when {@code verify}; then deleted (not timed). */
    private static Timing ours(UploadApi[] clients, SourceFile source, long chunk, int inFlight, boolean verify, CpuMeter cpu) {
        cpu.start();
        long start = System.nanoTime();
        UploadApi.Upload upload = clients[0].init("endtoend.bin", source.size(), chunk);
        try {
            Parallel.run(upload.totalChunks(), inFlight, (worker, index) -> {
                long offset = index * chunk;
                clients[worker].putChunk(upload, index, source.publisher(offset, Math.min(chunk, source.size() - offset)));
            });
            long completeStart = System.nanoTime();
            clients[0].complete(upload);
            long end = System.nanoTime();
            Map<String, Double> cores = cpu.coresBusy();
            if (verify) {
                source.requireSameAs(clients[0].downloadHashed(upload), "the file this service stored (" + inFlight + " in flight)");
                Bench.log("  verified: GET /api/files/" + upload.id() + " is the file sent, byte for byte (SHA-256 " + source.sha256Hex() + ")");
            }
            return new Timing((end - start) / 1e9, (end - completeStart) / 1e9, cores);
        } finally {
            clients[0].delete(upload);
        }
    }

    /** One upload of the whole file to the peer; its stored file compared when {@code verify}; then deleted (not timed). */
    private static Timing peer(TusClient client, TusServer server, SourceFile source, long chunk, boolean verify, CpuMeter cpu) {
        cpu.start();
        long start = System.nanoTime();
        URI upload = client.create(source.size());
        for (long offset = 0; offset < source.size(); offset += chunk) {
            client.patch(upload, offset, source.publisher(offset, Math.min(chunk, source.size() - offset)));
        }
        long end = System.nanoTime();
        Map<String, Double> cores = cpu.coresBusy();
        if (verify) {
            try {
                source.requireSameAs(SourceFile.hash(Files.newInputStream(server.fileOf(TusClient.id(upload)))),
                        "the file " + PEER + " stored");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Bench.log("  verified: " + server.fileOf(TusClient.id(upload)) + " is the file sent, byte for byte");
        }
        client.delete(upload);
        return new Timing((end - start) / 1e9, Double.NaN, cores);
    }

    private static void report(Bench context, long bytes, long chunk, int rounds, Map<Integer, List<Timing>> oursTimes,
                               List<Timing> peerTimes) {
        List<Figure> figures = new ArrayList<>();
        String what = Mode.size(bytes) + " in " + Mode.size(chunk) + " requests, " + rounds + " rounds";
        double[] peer = peerTimes.stream().mapToDouble(Timing::seconds).toArray();
        List<String> labels = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("slowest round", new ArrayList<>());
        series.put("median", new ArrayList<>());
        series.put("fastest round", new ArrayList<>());
        for (Map.Entry<Integer, List<Timing>> entry : oursTimes.entrySet()) {
            int inFlight = entry.getKey();
            double[] total = entry.getValue().stream().mapToDouble(Timing::seconds).toArray();
            double[] complete = entry.getValue().stream().mapToDouble(Timing::completeSeconds).toArray();
            double[] ratios = new double[total.length];
            for (int i = 0; i < total.length; i++) {
                ratios[i] = peer[i] / total[i];
            }
            String label = what + ", " + inFlight + " in flight";
            double oursRate = Bench.megabytesPerSecond(bytes, median(total));
            double peerRate = Bench.megabytesPerSecond(bytes, median(peer));
            Bench.log(String.format("  [end to end] %s: ours %.0f MB/s (%.0f–%.0f), %.2f s (%.2f–%.2f), of which complete %.2f s"
                            + " (%.2f–%.2f); %s %.0f MB/s (%.0f–%.0f), %.2f s (%.2f–%.2f); %s time / our time %.2f (%.2f–%.2f)",
                    label, oursRate, rate(bytes, max(total)), rate(bytes, min(total)), median(total), min(total), max(total),
                    median(complete), min(complete), max(complete), PEER, peerRate, rate(bytes, max(peer)), rate(bytes, min(peer)),
                    median(peer), min(peer), max(peer), PEER, median(ratios), min(ratios), max(ratios)));
            Map<String, Double> cores = meanCores(entry.getValue());
            Bench.log("    cores busy (mean of the rounds): " + CpuMeter.format(cores));
            figures.add(Figure.against(SECTION, label, "init → complete answered, median", oursRate, "MB/s",
                    PEER + " POST → last PATCH answered, median", peerRate));
            figures.addAll(range(label, "ours, init → complete answered", total));
            figures.addAll(range(label, "ours, complete alone", complete));
            figures.add(Figure.plain(SECTION, label, PEER + " time / our time, median of the paired rounds", median(ratios), "×"));
            figures.add(Figure.plain(SECTION, label, PEER + " time / our time, lowest", min(ratios), "×"));
            figures.add(Figure.plain(SECTION, label, PEER + " time / our time, highest", max(ratios), "×"));
            figures.addAll(CpuMeter.figures(SECTION, label, "through this service (mean of the rounds)", cores));
            labels.add("this service, " + inFlight + " in flight");
            series.get("median").add(oursRate);
            series.get("slowest round").add(rate(bytes, max(total)));
            series.get("fastest round").add(rate(bytes, min(total)));
        }
        String peerLabel = what + ", sequential PATCH";
        figures.add(Figure.plain(SECTION, peerLabel, PEER + " POST → last PATCH answered, median", rate(bytes, median(peer)), "MB/s"));
        figures.addAll(range(peerLabel, PEER + " POST → last PATCH answered", peer));
        Map<String, Double> peerCores = meanCores(peerTimes);
        Bench.log("  [end to end] " + peerLabel + ": cores busy through " + PEER + " (mean of the rounds): " + CpuMeter.format(peerCores));
        figures.addAll(CpuMeter.figures(SECTION, peerLabel, "through " + PEER + " (mean of the rounds)", peerCores));
        labels.add(PEER + ", sequential PATCH");
        series.get("median").add(rate(bytes, median(peer)));
        series.get("slowest round").add(rate(bytes, max(peer)));
        series.get("fastest round").add(rate(bytes, min(peer)));
        context.report().add(figures);
        context.report().chart(Charts.bars(context.chart("endtoend.png"),
                "End to end, " + Mode.size(bytes) + " in " + Mode.size(chunk) + " requests: this service vs " + PEER,
                "MB/s (10^6 bytes/s)", labels, series));
    }

    /** Median, slowest and fastest of one side's rounds, in seconds and MB/s. */
    private static List<Figure> range(String label, String what, double[] seconds) {
        return List.of(Figure.plain(SECTION, label, what + ", median", median(seconds), "s"),
                Figure.plain(SECTION, label, what + ", fastest round", min(seconds), "s"),
                Figure.plain(SECTION, label, what + ", slowest round", max(seconds), "s"));
    }

    /**
     * Ours only: uploads of each of the mode's complete sizes (generated bytes, 4 in flight, no
     * digest at init or complete), timing the complete call alone, then deleting each.
     */
    private static void completeBySize(Bench context, ServerProcess server, UploadApi[] clients, long chunk) {
        List<Figure> figures = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Double> completeSeconds = new ArrayList<>();
        int inFlight = clients.length;
        for (long size : context.mode().completeSizes()) {
            requireSpace(server, size);
            UploadApi.Upload upload = clients[0].init("complete-" + Mode.size(size).replace(' ', '-') + ".bin", size, chunk);
            try {
                Parallel.Timing sent = Parallel.run(upload.totalChunks(), inFlight, (worker, index) ->
                        clients[worker].putChunk(upload, index, Math.min(chunk, size - (long) index * chunk), UploadApi.Digests.NONE));
                long start = System.nanoTime();
                clients[0].complete(upload);
                double seconds = (System.nanoTime() - start) / 1e9;
                String label = Mode.size(size) + " in " + Mode.size(chunk) + " chunks, " + inFlight + " in flight, no digest";
                Bench.log(String.format("  [end to end] complete of %s: %.2f s (%.0f MB/s of file); the chunks took %.1f s (%.0f MB/s)",
                        label, seconds, rate(size, seconds), sent.seconds(), rate(size, sent.seconds())));
                figures.add(Figure.plain(SECTION, label, "ours, complete alone", seconds, "s"));
                figures.add(Figure.plain(SECTION, label, "ours, chunks sent before complete", rate(size, sent.seconds()), "MB/s"));
                labels.add(Mode.size(size));
                completeSeconds.add(seconds);
            } finally {
                clients[0].delete(upload);
            }
        }
        context.report().add(figures);
        context.report().chart(Charts.bars(context.chart("endtoend-complete.png"),
                "This service: the complete call alone, by file size (no digest given)", "seconds", labels,
                Map.of("complete", completeSeconds)));
    }

    /** The upload's one data file (renamed into place at complete, never copied), and a GiB to spare. */
    private static void requireSpace(ServerProcess server, long size) {
        try {
            long usable = Files.getFileStore(server.dataDir()).getUsableSpace();
            long needed = size + Mode.GIB;
            if (usable < needed) {
                throw new IllegalStateException("a " + Mode.size(size) + " upload needs " + Mode.size(needed / Mode.GIB * Mode.GIB)
                        + " free under " + server.dataDir() + "; " + usable / Mode.GIB + " GiB are");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each entry's mean over the rounds. */
    private static Map<String, Double> meanCores(List<Timing> rounds) {
        Map<String, Double> mean = new LinkedHashMap<>();
        for (Timing round : rounds) {
            round.cores().forEach((name, cores) -> mean.merge(name, cores / rounds.size(), Double::sum));
        }
        return mean;
    }

    private static double rate(long bytes, double seconds) {
        return Bench.megabytesPerSecond(bytes, seconds);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }
}

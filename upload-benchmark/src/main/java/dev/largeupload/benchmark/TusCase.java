package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Case 8: the same file, by the same tus client, to this service's tus edge ({@code /api/tus/} of the shared
 * filesystem server, H2 metadata) and to {@code @tus/server} with {@code @tus/file-store} ({@link TusServer}),
 * in one run. Two clients, each against both servers:
 * <ul>
 * <li>tus-js-client 4.3.1 on Node ({@link TusJsUpload}), unmodified, with its defaults: one {@code POST}, one
 * {@code PATCH} of the whole file. The client people use; its own time from start to success.</li>
 * <li>The benchmark's {@link TusClient} (tus core, the HTTP client of case 7): {@code POST}, then sequential
 * {@code PATCH}es of the mode's request size streamed from a mapping of the file. Less client in the way, so
 * the figure is more the servers'.</li>
 * </ul>
 * Neither uses {@code parallelUploads}: {@code @tus/server} 2.4.5 has no concatenation (it answers 501), and
 * the comparison is of one client's same requests. After untimed warm-up uploads to each (until this server's
 * JIT compilers are quiet, {@link Bench#warmUp}, then one more), the rounds are
 * paired (ours, then the peer); the first timed upload of each is read back ({@code GET} on our upload URL, the
 * peer's stored file) and compared by length and SHA-256; every upload is then removed with {@code DELETE}.
 * Goal (issue 15): ours ≥ {@value #GOAL} × the peer, as the median over the paired rounds of the peer's time
 * over ours.
 *
 * <p>When the server has no tus edge ({@code OPTIONS /api/tus/} shows no tus 1.0.0), the peer's rounds still
 * run and are reported, and the case then fails saying so.
 */
final class TusCase {

    static final String SECTION = "8 tus";
    static final String PEER = EndToEndCase.PEER;
    static final double GOAL = 1.5;

    /** The two tus clients, each sent to both servers. */
    enum Client {
        TUS_JS_CLIENT("tus-js-client 4.3.1 (Node), one PATCH"),
        CORE("the benchmark's TusClient, sequential PATCHes");

        final String label;

        Client(String label) {
            this.label = label;
        }
    }

    private TusCase() {
    }

    static void run(Bench context, ServerProcess server) {
        Mode mode = context.mode();
        long bytes = mode.endToEndBytes();
        long chunk = mode.endToEndChunkSize();
        int rounds = mode.endToEndRounds();
        URI edge = server.base().resolve("/api/tus/");
        Optional<String> noEdge = new TusClient(edge).whyNotTus();
        noEdge.ifPresent(why -> Bench.log("  this server has no tus edge (" + why + "): measuring " + PEER + " alone, then failing"));
        List<Figure> figures = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("slowest round", new ArrayList<>());
        series.put("median", new ArrayList<>());
        series.put("fastest round", new ArrayList<>());
        List<String> labels = new ArrayList<>();
        Bench.log("  writing a random file of " + Mode.size(bytes) + "; the core client sends requests of " + Mode.size(chunk));
        try (SourceFile source = SourceFile.create(context.workDir().resolve("tus-source.bin"), bytes);
             TusServer tus = TusServer.start(context.workDir().resolve("tus-case-server"))) {
            Map<String, ProcessHandle> processes = new LinkedHashMap<>();
            processes.put("server", ProcessHandle.of(server.serverPid()).orElseThrow());
            processes.put(PEER, tus.process());
            processes.put("benchmark", ProcessHandle.current());
            CpuMeter cpu = new CpuMeter(processes);
            for (Client client : Client.values()) {
                Side ours = new Side("tus edge", edge, null, source, chunk);
                Side peer = new Side(PEER, tus.filesUrl(), tus, source, chunk);
                List<Double> oursSeconds = new ArrayList<>();
                List<Double> peerSeconds = new ArrayList<>();
                List<Map<String, Double>> oursCores = new ArrayList<>();
                List<Map<String, Double>> peerCores = new ArrayList<>();
                if (noEdge.isEmpty()) {
                    // Untimed uploads to both until our server's JIT is quiet ("warm server"), then one more below.
                    context.warmUp(server, () -> {
                        ours.upload(client, false, cpu);
                        peer.upload(client, false, cpu);
                    });
                }
                for (int round = 0; round <= rounds; round++) {
                    boolean warmUp = round == 0;
                    boolean verify = round == 1;
                    String line = "  " + client.label + ", " + (warmUp ? "warm-up round" : "round " + round) + ":";
                    if (noEdge.isEmpty()) {
                        Timed t = ours.upload(client, verify, cpu);
                        if (!warmUp) {
                            oursSeconds.add(t.seconds());
                            oursCores.add(t.cores());
                        }
                        line += String.format(" tus edge %.2f s,", t.seconds());
                    }
                    Timed t = peer.upload(client, verify, cpu);
                    if (!warmUp) {
                        peerSeconds.add(t.seconds());
                        peerCores.add(t.cores());
                    }
                    Bench.log(line + String.format(" %s %.2f s", PEER, t.seconds()));
                }
                String label = Mode.size(bytes) + ", " + client.label + (client == Client.CORE ? " of " + Mode.size(chunk) : "")
                        + ", " + rounds + " rounds";
                double[] peerTimes = toArray(peerSeconds);
                double peerRate = Bench.megabytesPerSecond(bytes, EndToEndCase.median(peerTimes));
                figures.addAll(range(label, PEER + " POST → last PATCH answered", peerTimes));
                figures.addAll(CpuMeter.figures(SECTION, label, "through " + PEER + " (mean of the rounds)", mean(peerCores)));
                if (noEdge.isEmpty()) {
                    double[] oursTimes = toArray(oursSeconds);
                    double[] ratios = new double[oursTimes.length];
                    for (int i = 0; i < ratios.length; i++) {
                        ratios[i] = peerTimes[i] / oursTimes[i];
                    }
                    double oursRate = Bench.megabytesPerSecond(bytes, EndToEndCase.median(oursTimes));
                    double ratio = EndToEndCase.median(ratios);
                    Bench.log(String.format("  [tus] %s: tus edge %.0f MB/s (%.2f s median, %.2f–%.2f); %s %.0f MB/s (%.2f s, %.2f–%.2f);"
                                    + " %s time / our time %.2f (%.2f–%.2f); goal ≥ %.1f: %s", label, oursRate,
                            EndToEndCase.median(oursTimes), min(oursTimes), max(oursTimes), PEER, peerRate, EndToEndCase.median(peerTimes),
                            min(peerTimes), max(peerTimes), PEER, ratio, min(ratios), max(ratios), GOAL, ratio >= GOAL ? "met" : "NOT met"));
                    Bench.log("    cores busy through the tus edge (mean of the rounds): " + CpuMeter.format(mean(oursCores)));
                    figures.add(Figure.against(SECTION, label, "tus edge POST → last PATCH answered, median", oursRate, "MB/s",
                            PEER + " POST → last PATCH answered, median", peerRate)
                            .withGoal("≥ " + GOAL + " × " + PEER + " (median of paired rounds)", ratio >= GOAL));
                    figures.addAll(range(label, "tus edge POST → last PATCH answered", oursTimes));
                    figures.add(Figure.plain(SECTION, label, PEER + " time / our time, median of the paired rounds", ratio, "×"));
                    figures.add(Figure.plain(SECTION, label, PEER + " time / our time, lowest", min(ratios), "×"));
                    figures.add(Figure.plain(SECTION, label, PEER + " time / our time, highest", max(ratios), "×"));
                    figures.addAll(CpuMeter.figures(SECTION, label, "through the tus edge (mean of the rounds)", mean(oursCores)));
                    labels.add("tus edge, " + client.label);
                    series.get("median").add(oursRate);
                    series.get("slowest round").add(Bench.megabytesPerSecond(bytes, max(oursTimes)));
                    series.get("fastest round").add(Bench.megabytesPerSecond(bytes, min(oursTimes)));
                } else {
                    Bench.log(String.format("  [tus] %s: %s %.0f MB/s (%.2f s median, %.2f–%.2f)", label, PEER, peerRate,
                            EndToEndCase.median(peerTimes), min(peerTimes), max(peerTimes)));
                    figures.add(Figure.plain(SECTION, label, PEER + " POST → last PATCH answered, median", peerRate, "MB/s"));
                }
                labels.add(PEER + ", " + client.label);
                series.get("median").add(peerRate);
                series.get("slowest round").add(Bench.megabytesPerSecond(bytes, max(peerTimes)));
                series.get("fastest round").add(Bench.megabytesPerSecond(bytes, min(peerTimes)));
            }
        }
        context.report().add(figures);
        context.report().chart(Charts.bars(context.chart("tus.png"),
                "tus, " + Mode.size(bytes) + ", same client: this service's tus edge vs " + PEER, "MB/s (10^6 bytes/s)", labels, series));
        noEdge.ifPresent(why -> {
            throw new IllegalStateException("the server jar has no tus edge at " + edge + " (" + why
                    + "); only " + PEER + " was measured");
        });
    }

    /** One upload's time (seconds) and the cores the machine and each process kept busy meanwhile. */
    private record Timed(double seconds, Map<String, Double> cores) {
    }

    /** One server of a pair: where it creates uploads, and (for the peer) where it keeps their bytes. */
    private record Side(String name, URI endpoint, TusServer peer, SourceFile source, long chunk) {

        /** One timed upload of the whole file by {@code client}; read back when {@code verify}; then deleted (not timed). */
        Timed upload(Client client, boolean verify, CpuMeter cpu) {
            TusClient core = new TusClient(endpoint);
            cpu.start();
            URI upload;
            double seconds;
            if (client == Client.TUS_JS_CLIENT) {
                TusJsUpload.Result result = TusJsUpload.run(endpoint, source.path());
                upload = result.url();
                seconds = result.seconds();
            } else {
                long start = System.nanoTime();
                upload = core.create(source.size());
                for (long offset = 0; offset < source.size(); offset += chunk) {
                    core.patch(upload, offset, source.publisher(offset, Math.min(chunk, source.size() - offset)));
                }
                seconds = (System.nanoTime() - start) / 1e9;
            }
            Map<String, Double> cores = cpu.coresBusy();
            if (verify) {
                if (peer == null) {
                    source.requireSameAs(core.download(upload), "GET " + upload + " (" + client.label + ")");
                } else {
                    try {
                        source.requireSameAs(SourceFile.hash(Files.newInputStream(peer.fileOf(TusClient.id(upload)))),
                                "the file " + PEER + " stored (" + client.label + ")");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                Bench.log("  verified: " + name + "'s upload by " + client.label + " is the file sent, byte for byte");
            }
            core.delete(upload);
            return new Timed(seconds, cores);
        }
    }

    private static List<Figure> range(String label, String what, double[] seconds) {
        return List.of(Figure.plain(SECTION, label, what + ", median", EndToEndCase.median(seconds), "s"),
                Figure.plain(SECTION, label, what + ", fastest round", min(seconds), "s"),
                Figure.plain(SECTION, label, what + ", slowest round", max(seconds), "s"));
    }

    private static Map<String, Double> mean(List<Map<String, Double>> rounds) {
        Map<String, Double> mean = new LinkedHashMap<>();
        for (Map<String, Double> round : rounds) {
            round.forEach((name, cores) -> mean.merge(name, cores / rounds.size(), Double::sum));
        }
        return mean;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElseThrow();
    }
}

package dev.largeupload.benchmark;

import dev.largeupload.azure.AzuriteServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 9: direct mode against proxy mode, into the same Azurite through the same server (case 2's), the same file
 * size, chunk and block sizes and 4 chunks in flight, in paired rounds of one run. Proxy: every chunk is
 * {@code PUT} to the server, which stages its blocks in Azurite. Direct: for every chunk the client asks the
 * server for its staging target and {@code PUT}s each block straight to Azurite with its SAS URL and
 * {@code Content-MD5} ({@link DirectClient}); the server only grants, reconciles and commits. Each upload is
 * timed from init to complete answered. Reported for each mode: throughput (MB/s), the server JVM's CPU seconds
 * per GiB moved (its {@code /proc/PID/stat}, through {@link CpuMeter}), and the bytes the server itself received
 * ({@code upload_bytes_received_total}, which in direct mode should stay at zero). No goal: direct mode is there
 * to cost the server almost nothing.
 */
final class DirectCase {

    static final String SECTION = "9 direct (Azurite)";
    static final int IN_FLIGHT = 4;
    static final String PROXY = "proxy (through the server)";
    static final String DIRECT = "direct (client to Azurite)";

    /** One upload: seconds from init to complete answered, the server's CPU seconds, and the bytes it received. */
    private record Timing(double seconds, double serverCpuSeconds, double serverBytesReceived) {
    }

    private DirectCase() {
    }

    /** Runs the case on case 2's server ({@link AzureCase#env}: the Azure store on {@code azurite}, default 8 MiB blocks). */
    static void run(Bench context, AzuriteServer azurite, ServerProcess server) {
        boolean smoke = context.mode().name().equals(Mode.SMOKE.name());
        long bytes = smoke ? 16 * Mode.MIB : 512 * Mode.MIB;
        long chunk = smoke ? 4 * Mode.MIB : 32 * Mode.MIB;
        long block = Math.min(chunk, 8 * Mode.MIB);
        int rounds = smoke ? 1 : 3;
        UploadApi[] proxyClients = Ingest.clients(server.base(), context.payload(), IN_FLIGHT);
        DirectClient[] directClients = DirectClient.clients(server.base(), context.payload(), IN_FLIGHT);
        UploadApi api = proxyClients[0];
        if (!api.config().toString().contains("\"direct\"")) {
            throw new IllegalStateException("the server does not offer direct mode on Azurite: " + api.config());
        }
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        processes.put("server", ProcessHandle.of(server.serverPid()).orElseThrow());
        processes.put("Azurite", azurite.process().orElseThrow());
        processes.put("benchmark", ProcessHandle.current());
        CpuMeter cpu = new CpuMeter(processes);
        Bench.log("  " + Mode.size(bytes) + " in chunks of " + Mode.size(chunk) + " (blocks of " + Mode.size(block) + "), "
                + IN_FLIGHT + " in flight, " + rounds + " paired round(s) after a warm-up");
        long warmUp = Math.max(chunk * IN_FLIGHT, bytes / 4);
        context.warmUp(server, () -> {
            upload(api, proxyClients, null, warmUp, chunk, cpu);
            upload(api, proxyClients, directClients, warmUp, chunk, cpu);
        });
        List<Timing> proxy = new ArrayList<>();
        List<Timing> direct = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            proxy.add(upload(api, proxyClients, null, bytes, chunk, cpu));
            direct.add(upload(api, proxyClients, directClients, bytes, chunk, cpu));
            Bench.log(String.format("  round %d: proxy %.2f s (server %.2f CPU s), direct %.2f s (server %.2f CPU s, %.0f bytes received)",
                    round, proxy.get(round - 1).seconds(), proxy.get(round - 1).serverCpuSeconds(),
                    direct.get(round - 1).seconds(), direct.get(round - 1).serverCpuSeconds(),
                    direct.get(round - 1).serverBytesReceived()));
        }
        report(context, bytes, chunk, proxy, direct);
    }

    /** One upload of {@code bytes}: proxy mode when {@code direct} is null, else direct; deleted after (not timed). */
    private static Timing upload(UploadApi api, UploadApi[] proxy, DirectClient[] direct, long bytes, long chunk, CpuMeter cpu) {
        double receivedBefore = api.metric("upload_bytes_received_total");
        cpu.start();
        long start = System.nanoTime();
        UploadApi.Upload upload = api.init("direct-benchmark.bin", bytes, chunk, direct == null ? "proxy" : "direct");
        try {
            Parallel.run(upload.totalChunks(), IN_FLIGHT, (worker, index) -> {
                if (direct == null) {
                    proxy[worker].putChunk(upload, index, Math.min(chunk, bytes - index * chunk), UploadApi.Digests.NONE);
                } else {
                    direct[worker].sendChunk(upload, index);
                }
            });
            api.complete(upload);
            double seconds = (System.nanoTime() - start) / 1e9;
            double serverCpu = cpu.cpuSeconds().get("server");
            return new Timing(seconds, serverCpu, api.metric("upload_bytes_received_total") - receivedBefore);
        } finally {
            api.delete(upload);
        }
    }

    private static void report(Bench context, long bytes, long chunk, List<Timing> proxy, List<Timing> direct) {
        String label = Mode.size(bytes) + ", " + Mode.size(chunk) + " chunks × " + IN_FLIGHT;
        double gib = bytes / (double) Mode.GIB;
        double proxyMbs = Bench.megabytesPerSecond(bytes, median(proxy, Timing::seconds));
        double directMbs = Bench.megabytesPerSecond(bytes, median(direct, Timing::seconds));
        double proxyCpu = median(proxy, Timing::serverCpuSeconds) / gib;
        double directCpu = median(direct, Timing::serverCpuSeconds) / gib;
        double directReceived = direct.stream().mapToDouble(Timing::serverBytesReceived).max().orElse(0);
        double proxyReceived = proxy.stream().mapToDouble(Timing::serverBytesReceived).min().orElse(0);
        Bench.log(String.format("  [direct] %s: direct %.0f MB/s, %.3f server CPU s/GiB; proxy %.0f MB/s, %.3f server CPU s/GiB",
                label, directMbs, directCpu, proxyMbs, proxyCpu));
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.against(SECTION, label, "throughput, direct (median)", directMbs, "MB/s", "proxy", proxyMbs));
        figures.add(Figure.against(SECTION, label, "server CPU per GiB, direct (median)", directCpu, "CPU s/GiB", "proxy", proxyCpu));
        figures.add(Figure.plain(SECTION, label, "bytes the server received, direct (most of any round)", directReceived, "bytes"));
        figures.add(Figure.plain(SECTION, label, "bytes the server received, proxy (least of any round)", proxyReceived, "bytes"));
        context.report().add(figures);
        Map<String, List<Double>> throughput = new LinkedHashMap<>();
        throughput.put(PROXY, List.of(proxyMbs, proxyCpu));
        throughput.put(DIRECT, List.of(directMbs, directCpu));
        context.report().chart(Charts.bars(context.chart("direct.png"),
                "Direct to Azurite vs through the server (" + label + ")", "MB/s; server CPU s per GiB",
                List.of("throughput (MB/s)", "server CPU (s per GiB)"), throughput));
    }

    private static double median(List<Timing> timings, java.util.function.ToDoubleFunction<Timing> value) {
        double[] sorted = timings.stream().mapToDouble(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}

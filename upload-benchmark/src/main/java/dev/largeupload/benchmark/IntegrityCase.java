package dev.largeupload.benchmark;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 5: the cost of per-chunk integrity. The same chunks are sent without a digest, with
 * {@code Content-Digest: sha-256=:…:} (what the page sends), and with {@code Content-MD5} as well
 * (digests computed once per chunk length, so the client's hashing is not measured), in alternating
 * rounds on one filesystem server. Goal: at most 10 % slower. The server computes every chunk's
 * SHA-256 whatever the client sends, so "no digest" still hashes; {@code Content-MD5} adds an MD5
 * pass. Whether the server checks {@code Content-Digest} at all is probed and reported.
 */
final class IntegrityCase {

    static final String SECTION = "5 integrity";
    static final double GOAL = 0.90;

    private IntegrityCase() {
    }

    static void run(Bench context, ServerProcess server) {
        Mode mode = context.mode();
        long chunk = mode.integrityChunkSize();
        int inFlight = mode.integrityInFlight();
        long bytes = Mode.bytesFor(mode.integrityBytes(), chunk, inFlight);
        UploadApi[] clients = Ingest.clients(server.base(), context.payload(), inFlight);
        String checked = verifiesContentDigest(clients[0], context.payload()) ? "checked by the server" : "Content-Digest ignored by this server";
        context.warmUp(server, () -> Ingest.warmUp(clients, context.mode().warmUpBytes(), UploadApi.Digests.MD5_AND_SHA256));
        UploadApi.Digests[] variants = UploadApi.Digests.values();
        double[] seconds = new double[variants.length];
        for (int round = 0; round < mode.integrityRounds(); round++) {
            for (int v = 0; v < variants.length; v++) {
                seconds[v] += Ingest.upload(clients, bytes, chunk, inFlight, variants[v]).seconds();
            }
        }
        long total = bytes * mode.integrityRounds();
        double off = Bench.megabytesPerSecond(total, seconds[0]);
        String label = Mode.size(chunk) + " × " + inFlight + ", " + mode.integrityRounds() + " rounds of " + Mode.size(bytes);
        List<Figure> figures = new ArrayList<>();
        List<Double> bars = new ArrayList<>(List.of(off));
        for (int v = 1; v < variants.length; v++) {
            double on = Bench.megabytesPerSecond(total, seconds[v]);
            bars.add(on);
            Bench.log(String.format("  [integrity] %s: %s %.0f MB/s, no digest %.0f MB/s (%s)", label, variants[v].label, on, off, checked));
            figures.add(Figure.against(SECTION, label, "ingest with " + variants[v].label + " (" + checked + ")", on, "MB/s",
                    "no digest", off).withGoal("≥ 0.90 (≤ 10 % slower)", on / off >= GOAL));
        }
        context.report().add(figures);
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("ingest", bars);
        context.report().chart(Charts.bars(context.chart("integrity.png"),
                "Per-chunk digests: ingest without and with them (" + label + ")",
                "MB/s (10^6 bytes/s)", java.util.Arrays.stream(variants).map(d -> d.label).toList(), series));
    }

    /** Sends one chunk with a right MD5 and a wrong SHA-256: a server that checks SHA-256 refuses it. */
    private static boolean verifiesContentDigest(UploadApi api, Payload payload) {
        long length = 1024;
        UploadApi.Upload upload = api.init("probe.bin", length, length);
        try {
            String wrong = payload.digests(length + 1).contentDigest();
            HttpResponse<String> answer = api.put(upload, 0, length,
                    Map.of("Content-MD5", payload.digests(length).contentMd5(), "Content-Digest", wrong));
            if (answer.statusCode() / 100 == 5) {
                throw new IllegalStateException("the digest probe answered " + answer.statusCode() + ": " + answer.body());
            }
            return answer.statusCode() != 200;
        } finally {
            api.delete(upload);
        }
    }
}

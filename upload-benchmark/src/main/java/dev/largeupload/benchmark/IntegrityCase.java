package dev.largeupload.benchmark;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 5: the cost of per-chunk integrity. The same chunks are sent with {@code Content-MD5} and
 * {@code Content-Digest: sha-256=:…:} (computed once per chunk length, so the client's hashing is
 * not measured) and without them, in alternating rounds on one filesystem server. Goal: at most
 * 10 % slower. Whether the server checks {@code Content-Digest} at all is probed and reported.
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
        String checked = verifiesContentDigest(clients[0], context.payload()) ? "MD5 and SHA-256 checked" : "MD5 checked, SHA-256 header ignored by this server";
        Ingest.upload(clients, context.mode().warmUpBytes(), 8 * Mode.MIB, 2, true);
        double offSeconds = 0;
        double onSeconds = 0;
        for (int round = 0; round < mode.integrityRounds(); round++) {
            offSeconds += Ingest.upload(clients, bytes, chunk, inFlight, false).seconds();
            onSeconds += Ingest.upload(clients, bytes, chunk, inFlight, true).seconds();
        }
        long total = bytes * mode.integrityRounds();
        double off = Bench.megabytesPerSecond(total, offSeconds);
        double on = Bench.megabytesPerSecond(total, onSeconds);
        String label = Mode.size(chunk) + " × " + inFlight + ", " + mode.integrityRounds() + " rounds of " + Mode.size(bytes);
        Bench.log(String.format("  [integrity] %s: digests on %.0f MB/s, off %.0f MB/s (%s)", label, on, off, checked));
        context.report().add(List.of(
                Figure.against(SECTION, label, "ingest with digests (" + checked + ")", on, "MB/s", "no digests", off)
                        .withGoal("≥ 0.90 (≤ 10 % slower)", on / off >= GOAL)));
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("ingest", new ArrayList<>(List.of(off, on)));
        context.report().chart(Charts.bars(context.chart("integrity.png"),
                "Per-chunk digests: ingest without and with Content-MD5 + Content-Digest (" + label + ")",
                "MB/s (10^6 bytes/s)", List.of("no digests", "Content-MD5 + Content-Digest"), series));
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

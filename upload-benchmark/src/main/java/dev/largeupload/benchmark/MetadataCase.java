package dev.largeupload.benchmark;

import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Case 4: a 20,972-chunk session (1 TB at 50 MiB) on each metadata store, through the server: an
 * upload of 20,972 one-byte chunks (on the filesystem blob store), every chunk {@code PUT} with 8 in
 * flight and timed, then status, resume and complete timed. The per-chunk times are compared with
 * the same one-byte {@code PUT}s to an HTTP server that discards them. Goals: complete under 1 s,
 * p99 per chunk under 5 ms.
 */
final class MetadataCase {

    static final String SECTION = "4 metadata";

    private MetadataCase() {
    }

    /** Runs every store of the mode; {@code h2Server} (a filesystem + H2 server already running) is reused for H2. */
    static void run(Bench context, ServerProcess h2Server) {
        Mode mode = context.mode();
        Parallel.Timing sink;
        try (HttpSink discarding = new HttpSink()) {
            UploadApi[] clients = Ingest.clients(discarding.base(), context.payload(), mode.metadataInFlight());
            Ingest.discard(clients, Math.min(2_000, mode.metadataChunks()), 1, mode.metadataInFlight());
            sink = Ingest.discard(clients, mode.metadataChunks(), 1, mode.metadataInFlight());
        }
        List<String> stores = new ArrayList<>();
        Map<String, List<Double>> perChunk = new LinkedHashMap<>();
        perChunk.put("p50 per chunk", new ArrayList<>(List.of(sink.quantileMillis(0.5))));
        perChunk.put("p99 per chunk", new ArrayList<>(List.of(sink.quantileMillis(0.99))));
        Map<String, List<Double>> calls = new LinkedHashMap<>();
        calls.put("status", new ArrayList<>());
        calls.put("resume", new ArrayList<>());
        calls.put("complete", new ArrayList<>());
        List<String> failures = new ArrayList<>();
        for (String store : mode.metadataStores()) {
            try {
                Session session = store.equals("h2") && h2Server != null ? measure(context, store, h2Server, sink)
                        : withServer(context, store, server -> measure(context, store, server, sink));
                stores.add(store);
                perChunk.get("p50 per chunk").add(session.p50());
                perChunk.get("p99 per chunk").add(session.p99());
                calls.get("status").add(session.statusMillis());
                calls.get("resume").add(session.resumeMillis());
                calls.get("complete").add(session.completeMillis());
                context.report().add(session.figures(store, mode, sink));
            } catch (RuntimeException e) {
                Bench.log("  [metadata] " + store + " FAILED: " + e);
                failures.add(store + ": " + e.getMessage());
            }
        }
        List<String> withSink = new ArrayList<>(List.of("HTTP sink (no store)"));
        withSink.addAll(stores);
        context.report().chart(Charts.bars(context.chart("metadata-chunks.png"), String.format(Locale.ROOT,
                "%,d one-byte chunks, %d in flight, through the server: time per chunk", mode.metadataChunks(), mode.metadataInFlight()),
                "ms", withSink, perChunk));
        context.report().chart(Charts.bars(context.chart("metadata-calls.png"), String.format(Locale.ROOT,
                "A %,d-chunk session: status, resume and complete", mode.metadataChunks()), "ms", stores, calls));
        if (!failures.isEmpty()) {
            throw new IllegalStateException("metadata stores failed: " + failures);
        }
    }

    /** The timings of one session. */
    record Session(double p50, double p99, double firstTenthP50, double lastTenthP50, double chunksPerSecond,
                   double statusMillis, double resumeMillis, double completeMillis) {

        List<Figure> figures(String store, Mode mode, Parallel.Timing sink) {
            String config = String.format(Locale.ROOT, "%s, %,d chunks × %d", store, mode.metadataChunks(), mode.metadataInFlight());
            return List.of(
                    Figure.against(SECTION, config, "p50 per chunk", p50, "ms", "HTTP sink", sink.quantileMillis(0.5)),
                    Figure.against(SECTION, config, "p99 per chunk", p99, "ms", "HTTP sink", sink.quantileMillis(0.99))
                            .withGoal("< 5 ms", p99 < 5),
                    Figure.against(SECTION, config, "p50 per chunk, last 10 % of chunks", lastTenthP50, "ms",
                            "first 10 %", firstTenthP50),
                    Figure.against(SECTION, config, "chunks recorded", chunksPerSecond, "chunks/s", "HTTP sink",
                            mode.metadataChunks() / sink.seconds()),
                    Figure.plain(SECTION, config, "status", statusMillis, "ms"),
                    Figure.plain(SECTION, config, "resume", resumeMillis, "ms"),
                    Figure.plain(SECTION, config, "complete", completeMillis, "ms").withGoal("< 1 s", completeMillis < 1000));
        }
    }

    private static Session measure(Bench context, String store, ServerProcess server, Parallel.Timing sink) {
        Mode mode = context.mode();
        UploadApi[] clients = Ingest.clients(server.base(), context.payload(), mode.metadataInFlight());
        context.warmUp(server, () -> Ingest.warmUp(clients, mode.warmUpBytes(), UploadApi.Digests.NONE));
        int chunks = mode.metadataChunks();
        UploadApi.Upload upload = clients[0].init("metadata.bin", chunks, 1);
        if (upload.totalChunks() != chunks) {
            throw new IllegalStateException("the server planned " + upload.totalChunks() + " chunks, not " + chunks);
        }
        try {
            Parallel.Timing put = Parallel.run(chunks, mode.metadataInFlight(),
                    (worker, index) -> clients[worker].putChunk(upload, index, 1, UploadApi.Digests.NONE));
            double status = millis(() -> clients[0].status(upload), json -> json.getBoolean("completed", true) ? "completed already" : null);
            double resume = millis(() -> clients[0].resume(upload),
                    json -> json.getJsonArray("missing_chunks").isEmpty() ? null : "missing chunks " + json.getJsonArray("missing_chunks").size());
            double complete = millis(() -> clients[0].complete(upload),
                    json -> json.getInt("blocks_count") == chunks ? null : "blocks_count " + json.getInt("blocks_count"));
            int tenth = Math.max(1, chunks / 10);
            Session session = new Session(put.quantileMillis(0.5), put.quantileMillis(0.99), put.quantileMillis(0.5, 0, tenth),
                    put.quantileMillis(0.5, chunks - tenth, chunks), chunks / put.seconds(), status, resume, complete);
            Bench.log(String.format(Locale.ROOT, "  [metadata] %s: %,d chunks in %.1f s (%.0f/s), p50 %.2f ms, p99 %.2f ms "
                    + "(sink p99 %.2f ms), p50 of the first/last 10 %% %.2f/%.2f ms; status %.0f ms, resume %.0f ms, complete %.0f ms",
                    store, chunks, put.seconds(), session.chunksPerSecond(), session.p50(), session.p99(),
                    sink.quantileMillis(0.99), session.firstTenthP50(), session.lastTenthP50(), status, resume, complete));
            return session;
        } finally {
            clients[0].delete(upload);
        }
    }

    /** Times one call; {@code problem} names what is wrong with its answer, or null. */
    private static double millis(Supplier<JsonObject> call, java.util.function.Function<JsonObject, String> problem) {
        long start = System.nanoTime();
        JsonObject answer = call.get();
        double millis = (System.nanoTime() - start) / 1e6;
        String wrong = problem.apply(answer);
        if (wrong != null) {
            throw new IllegalStateException("unexpected answer (" + wrong + "): " + answer);
        }
        return millis;
    }

    private static Session withServer(Bench context, String store, java.util.function.Function<ServerProcess, Session> body) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("METADATA_STORE", store);
        String database = null;
        if (store.equals("postgresql")) {
            database = "upload_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            postgres("CREATE DATABASE " + database);
            env.put("DATABASE_URL", "jdbc:postgresql://" + pgHost() + ":" + pgPort() + "/" + database);
            env.put("DATABASE_USER", pgUser());
        } else if (store.equals("redis")) {
            env.put("REDIS_KEY_PREFIX", "upload-bench-" + UUID.randomUUID() + ":");
        }
        try (ServerProcess server = context.startServer("metadata-" + store, env, "256m")) {
            return body.apply(server);
        } finally {
            if (database != null) {
                postgres("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private static void postgres(String sql) {
        String url = "jdbc:postgresql://" + pgHost() + ":" + pgPort() + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, pgUser(), env("PGPASSWORD", ""));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " failed: " + e.getMessage(), e);
        }
    }

    private static String pgHost() {
        return env("PGHOST", "127.0.0.1");
    }

    private static String pgPort() {
        return env("PGPORT", "5432");
    }

    private static String pgUser() {
        return env("PGUSER", "postgres");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.edge.rest.UploadApplication;
import dev.largeupload.web.edge.tus.TusApplication;
import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator uses, on the real server (with JSON console logs switched on): the OpenAPI
 * document covers every JAX-RS operation, {@code /docs} leads to its UI, health and metrics answer,
 * the metrics count an upload's life cycle, and the log has one JSON line per life-cycle event and
 * never a token.
 */
@Server(env = "WLP_LOGGING_CONSOLE_FORMAT=json")
class OperationsIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static java.nio.file.Path work;
    static ServerProcess server;
    static UploadClient client;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        server = started;
        client = connected;
    }

    @Test
    void openApi_documentsEveryJaxRsOperation_withItsErrorsAsProblemDocuments() throws Exception {
        Answer answer = client.send(client.request("/openapi?format=json").GET());
        assertEquals(200, answer.status());
        JsonObject document = answer.json();
        JsonObject paths = document.getJsonObject("paths");

        List<String> operations = jaxRsOperations();
        assertTrue(operations.size() >= 9, "too few operations found to be a real check: " + operations);
        List<String> undocumented = new ArrayList<>();
        for (String operation : operations) {
            String[] methodAndPath = operation.split(" ", 2);
            JsonObject path = paths.getJsonObject(methodAndPath[1]);
            if (path == null || !path.containsKey(methodAndPath[0])) {
                undocumented.add(operation);
                continue;
            }
            JsonObject responses = path.getJsonObject(methodAndPath[0]).getJsonObject("responses");
            // Discovery answers no client error: /api/config, and OPTIONS of the tus edge.
            if (!methodAndPath[1].equals("/api/config") && !methodAndPath[0].equals("options")) {
                assertTrue(responses.keySet().stream().anyMatch(status -> status.startsWith("4")),
                        operation + " documents no client error");
            }
        }
        assertEquals(List.of(), undocumented, "JAX-RS operations missing from /openapi");
        JsonObject problem = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem");
        assertTrue(problem.getJsonArray("required").getValuesAs(JsonString::getString).contains("code"));
        String responsesText = document.getJsonObject("components").getJsonObject("responses").toString();
        for (String code : List.of("store.unavailable", "upload.checksum-mismatch", "upload.too-many-uploads", "upload.not-found")) {
            assertTrue(responsesText.contains(code), "no documented response names " + code);
        }
    }

    /** "put /api/upload/{id}/chunks/{index}" for every resource method of the application's classes. */
    private static List<String> jaxRsOperations() throws Exception {
        String root = UploadApplication.class.getAnnotation(ApplicationPath.class).value();
        java.nio.file.Path classes = java.nio.file.Path.of(
                UploadApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        TreeSet<String> operations = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes.resolve("dev/largeupload/web"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OperationsIT.class.getClassLoader());
                Path classPath = type.getAnnotation(Path.class);
                if (classPath == null) {
                    continue;
                }
                // Each edge's resources live under the path of its own application.
                String base = type.getPackageName().equals(TusApplication.class.getPackageName())
                        ? TusApplication.class.getAnnotation(ApplicationPath.class).value() : root;
                for (Method method : type.getDeclaredMethods()) {
                    for (Annotation annotation : method.getAnnotations()) {
                        HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                        org.eclipse.microprofile.openapi.annotations.Operation documented =
                                method.getAnnotation(org.eclipse.microprofile.openapi.annotations.Operation.class);
                        // An internal route (the IETF draft, reached on the tus URLs by a filter) is hidden on purpose.
                        if (http != null && (documented == null || !documented.hidden())) {
                            Path methodPath = method.getAnnotation(Path.class);
                            operations.add(http.value().toLowerCase(Locale.ROOT) + " "
                                    + join(base, classPath.value(), methodPath == null ? "" : methodPath.value()));
                        }
                    }
                }
            }
        }
        return new ArrayList<>(operations);
    }

    private static String join(String... parts) {
        String joined = ("/" + String.join("/", parts)).replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    @Test
    void docs_leadsToTheOpenApiUi() throws Exception {
        HttpClient noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> docs = noRedirects.send(HttpRequest.newBuilder(server.base().resolve("/docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, docs.statusCode());
        URI location = server.base().resolve(docs.headers().firstValue("Location").orElseThrow());
        assertEquals("/openapi/ui/", location.getPath());

        Answer ui = client.send(client.request(location.getPath()).GET());
        assertEquals(200, ui.status());
        assertTrue(ui.contentType().startsWith("text/html"), ui.contentType());
    }

    @Test
    void health_liveAndReady_areUp_andReadinessNamesBothStores() {
        Answer ready = client.health("ready");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("UP", ready.json().getString("status"));
        assertEquals("UP", UploadClient.checkStatus(ready, "metadata-store"));
        assertEquals("UP", UploadClient.checkStatus(ready, "blob-store"));
        assertTrue(ready.body().contains("\"store\":\"h2\"") && ready.body().contains("\"store\":\"filesystem\""), ready.body());

        Answer live = client.health("live");
        assertEquals(200, live.status(), live.body());
        assertEquals("UP", UploadClient.checkStatus(live, "upload-service"));
    }

    @Test
    void metrics_countUploadsMadeThroughTheTusEdge_too() throws Exception {
        Map<String, Double> before = PrometheusText.parse(metrics());
        java.nio.file.Path file = TestFiles.random(work, "metrics-tus.bin", 3 * MIB + 5, 72);
        TusCalls tus = new TusCalls(server.base());
        java.net.URI upload = tus.url(tus.create(Files.size(file), null));
        assertEquals(204, tus.patch(upload, file, 0, MIB).status());
        Answer wrongOffset = tus.patch(upload, file, 0, MIB);
        assertEquals(409, wrongOffset.status(), wrongOffset.body());
        assertEquals(204, tus.patch(upload, file, MIB, Files.size(file)).status());

        Map<String, Double> after = PrometheusText.parse(metrics());
        assertEquals(1, delta(before, after, "uploads_initiated_total"));
        assertEquals(1, delta(before, after, "uploads_completed_total"));
        assertEquals(Files.size(file), delta(before, after, "upload_bytes_received_total"));
        assertEquals(1, delta(before, after, "upload_chunks_refused_total{reason=\"upload.offset-conflict\"}"));
    }

    @Test
    void metrics_countAnUploadsLifeCycle_andLogsItAsJsonLinesWithoutTheToken() throws Exception {
        Map<String, Double> before = PrometheusText.parse(metrics());
        java.nio.file.Path file = TestFiles.random(work, "metrics.bin", 3 * MIB + 5, 71);
        Upload upload = client.start("metrics.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));
        assertProblem(client.putChunk(upload, 9, file, 0, MIB), 400, "upload.chunk-out-of-range");
        Answer wrongMd5 = client.send(client.request("/api/upload/" + upload.id() + "/chunks/0")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .header("Content-MD5", Base64.getEncoder().encodeToString(new byte[16]))
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(UploadClient.slice(file, 0, MIB)), MIB)));
        assertProblem(wrongMd5, 422, "upload.checksum-mismatch");
        assertEquals(200, client.complete(upload).status());
        assertEquals(200, client.complete(upload).status());
        Upload abandoned = client.start("abandoned.bin", 2 * MIB, MIB);
        assertEquals(200, client.putChunk(abandoned, 1, file, 0, MIB).status());
        assertEquals(200, client.delete(abandoned).status());

        Map<String, Double> after = PrometheusText.parse(metrics());
        assertEquals(2, delta(before, after, "uploads_initiated_total"));
        assertEquals(1, delta(before, after, "uploads_completed_total"), "a repeated complete counted again");
        assertEquals(1, delta(before, after, "uploads_aborted_total"));
        assertEquals(5, delta(before, after, "upload_chunks_accepted_total"));
        assertEquals(Files.size(file) + MIB, delta(before, after, "upload_bytes_received_total"));
        assertEquals(1, delta(before, after, "upload_chunks_refused_total{reason=\"upload.chunk-out-of-range\"}"));
        assertEquals(1, delta(before, after, "upload_chunks_refused_total{reason=\"upload.checksum-mismatch\"}"));
        assertEquals(1, delta(before, after, "upload_checksum_failures_total"));
        assertEquals(5, delta(before, after, "upload_chunk_staging_seconds_count"));
        assertEquals(after.get("upload_chunk_staging_seconds_count"), after.get("upload_chunk_staging_seconds_bucket{le=\"+Inf\"}"),
                "the staging histogram's buckets do not hold every chunk");
        List<String> quantiles = after.keySet().stream().filter(k -> k.startsWith("upload_chunk_staging_seconds{")).toList();
        // Windowed client-side quantiles read 0 after two idle minutes while the buckets hold the data.
        assertEquals(List.of(), quantiles, "the staging timer publishes windowed quantiles");
        assertTrue(after.containsKey("uploads_expired_total"), "the expiry counter is not published");

        List<JsonObject> lines = jsonLogLines();
        long size = Files.size(file);
        assertTrue(lines.stream().anyMatch(l -> message(l).startsWith("Upload initiated: id=" + upload.id() + ", size=" + size)));
        assertTrue(lines.stream().anyMatch(l -> message(l).startsWith("Upload completed: id=" + upload.id() + ", size=" + size)
                && message(l).contains("duration=")));
        assertTrue(lines.stream().anyMatch(l -> message(l).startsWith("Upload aborted: id=" + abandoned.id())));
        String log = server.logText();
        assertFalse(log.contains(upload.token()) || log.contains(abandoned.token()), "a token reached the log");
    }

    @Test
    void consoleLog_withJsonFormatConfigured_isJsonLinesOnly() {
        List<String> liberty = server.logText().lines().filter(l -> l.matches("^\\[(INFO|AUDIT|WARNING|ERROR) *].*")).toList();
        assertEquals(List.of(), liberty, "plain-text Liberty lines despite WLP_LOGGING_CONSOLE_FORMAT=json");
        List<JsonObject> lines = jsonLogLines();
        assertTrue(lines.stream().anyMatch(l -> message(l).contains("CWWKF0011I")), "no JSON line for 'server ready'");
        assertTrue(lines.stream().allMatch(l -> l.containsKey("type") && l.containsKey("ibm_datetime")));
    }

    private static String metrics() {
        Answer answer = client.send(client.request("/metrics").GET());
        assertEquals(200, answer.status(), answer.body());
        return answer.body();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
    }

    private static List<JsonObject> jsonLogLines() {
        List<JsonObject> lines = new ArrayList<>();
        for (String line : server.logText().lines().filter(l -> l.startsWith("{")).toList()) {
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                lines.add(reader.readObject());
            }
        }
        assertFalse(lines.isEmpty(), "no JSON log lines");
        return lines;
    }

    private static String message(JsonObject line) {
        return line.getString("message", "");
    }
}

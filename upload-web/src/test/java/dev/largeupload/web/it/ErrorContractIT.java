package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of the API table: each bad request answers its status and stable code as
 * {@code application/problem+json}, without a stack trace, and changes nothing already stored.
 */
class ErrorContractIT {

    private static final long MIB = 1024 * 1024;
    private static final long MAX_FILE_SIZE = 1L << 30;
    private static final String UNKNOWN = "00000000-0000-4000-8000-000000000000";

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;
    static Path file;
    static Upload active;
    static Upload completed;
    static String activeBefore;

    @BeforeAll
    static void startServerWithUploads() throws Exception {
        server = ServerProcess.start(work.resolve("server"), java.util.Map.of("MAX_FILE_SIZE", Long.toString(MAX_FILE_SIZE)));
        client = new UploadClient(server.base());
        file = TestFiles.random(work, "ref.bin", 3 * MIB, 21);
        active = client.start("active.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, active, file, false, List.of(0));
        completed = client.start("completed.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, completed, file, false, Transfers.allChunks(completed));
        assertEquals(200, client.complete(completed).status());
        activeBefore = stateOf(active);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    record Case(String name, int status, String code, Supplier<Answer> request) {
    }

    @TestFactory
    Stream<DynamicTest> everyBadRequest_answersItsProblem_andChangesNothing() {
        List<Case> cases = new ArrayList<>();
        String id = active.id();
        String token = active.token();
        // init
        cases.add(new Case("init without file_size", 400, "request.missing-field", () -> init("{\"filename\":\"a\"}")));
        cases.add(new Case("init without filename", 400, "request.missing-field", () -> init("{\"file_size\":1}")));
        cases.add(new Case("init with a negative size", 400, "upload.invalid-file-size", () -> init("{\"filename\":\"a\",\"file_size\":-1}")));
        cases.add(new Case("init with a non-numeric size", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":\"big\"}")));
        cases.add(new Case("init with a fractional size", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":1.5}")));
        cases.add(new Case("init with a size past 2^63", 400, "request.invalid-field", () -> init("{\"filename\":\"a\",\"file_size\":99999999999999999999}")));
        cases.add(new Case("init over MAX_FILE_SIZE", 413, "upload.too-large", () -> init("{\"filename\":\"a\",\"file_size\":" + (MAX_FILE_SIZE + 1) + "}")));
        cases.add(new Case("init with chunk_size 0", 400, "upload.invalid-chunk-size", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":0}")));
        cases.add(new Case("init with chunk_size over 4000 MiB", 400, "upload.invalid-chunk-size", () -> init("{\"filename\":\"a\",\"file_size\":5,\"chunk_size\":4194304001}")));
        cases.add(new Case("init with a name that is only a folder (../)", 400, "upload.invalid-filename", () -> init("{\"filename\":\"../\",\"file_size\":5}")));
        cases.add(new Case("init with a name of control characters only", 400, "upload.invalid-filename", () -> init("{\"filename\":\"\\u0007\\u0000\",\"file_size\":5}")));
        cases.add(new Case("init with a name of bidi overrides and blanks only", 400, "upload.invalid-filename", () -> init("{\"filename\":\" \\u202e \",\"file_size\":5}")));
        cases.add(new Case("init with a bad sha256", 400, "upload.invalid-checksum", () -> init("{\"filename\":\"a\",\"file_size\":5,\"sha256\":\"abc\"}")));
        cases.add(new Case("init with a bad content type", 400, "upload.invalid-content-type", () -> init("{\"filename\":\"a\",\"file_size\":5,\"content_type\":\"not a type\"}")));
        cases.add(new Case("init with malformed JSON", 400, "request.malformed-json", () -> init("{\"filename\":")));
        cases.add(new Case("init with a JSON array", 400, "request.malformed-json", () -> init("[1,2]")));
        cases.add(new Case("init with an empty body", 400, "request.malformed-json", () -> init("")));
        cases.add(new Case("init as text/plain", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/init")
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("{}")))));
        cases.add(new Case("GET on init", 405, "request.method-not-allowed", () -> client.send(client.request("/api/upload/init").GET())));
        // ids
        cases.add(new Case("status of an unknown upload", 404, "upload.not-found", () -> client.status(UNKNOWN)));
        cases.add(new Case("status of a malformed id", 400, "upload.invalid-id", () -> client.status("not-an-id")));
        cases.add(new Case("resume of an unknown upload", 404, "upload.not-found", () -> client.resume(UNKNOWN)));
        cases.add(new Case("download of an unknown upload", 404, "upload.not-found", () -> client.send(client.request("/api/files/" + UNKNOWN).GET())));
        cases.add(new Case("download of an unfinished upload", 409, "upload.not-active", () -> client.send(client.request("/api/files/" + id).GET())));
        cases.add(new Case("a path that does not exist", 404, "request.no-such-resource", () -> client.send(client.request("/api/nothing").GET())));
        // chunks
        cases.add(new Case("chunk with index -1", 400, "upload.invalid-chunk-index", () -> put(id, token, "-1", MIB)));
        cases.add(new Case("chunk with a non-numeric index", 400, "upload.invalid-chunk-index", () -> put(id, token, "one", MIB)));
        cases.add(new Case("chunk with an index out of range", 400, "upload.chunk-out-of-range", () -> put(id, token, "3", MIB)));
        cases.add(new Case("chunk longer than the plan", 400, "upload.chunk-length-mismatch", () -> put(id, token, "1", MIB + 1)));
        cases.add(new Case("chunk shorter than the plan", 400, "upload.chunk-length-mismatch", () -> put(id, token, "1", MIB - 1)));
        cases.add(new Case("chunk without a token", 404, "upload.not-found", () -> put(id, null, "1", MIB)));
        cases.add(new Case("chunk with another upload's token", 404, "upload.not-found", () -> put(id, completed.token(), "1", MIB)));
        cases.add(new Case("chunk for an unknown upload", 404, "upload.not-found", () -> put(UNKNOWN, token, "1", MIB)));
        cases.add(new Case("chunk for a malformed id", 400, "upload.invalid-id", () -> put("x", token, "1", MIB)));
        cases.add(new Case("chunk after completion", 409, "upload.not-active", () -> put(completed.id(), completed.token(), "1", MIB)));
        cases.add(new Case("chunk as application/json", 415, "request.unsupported-media-type", () -> client.send(client.request("/api/upload/" + id + "/chunks/1")
                .header("Upload-Token", token).header("Content-Type", "application/json").PUT(BodyPublishers.ofString("{}")))));
        cases.add(new Case("chunk with a malformed Content-MD5", 400, "upload.invalid-checksum", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", "nope"))));
        cases.add(new Case("chunk whose bytes do not match its Content-MD5", 422, "upload.checksum-mismatch", () -> client.send(chunkRequest(id, token, "1", MIB)
                .header("Content-MD5", Base64.getEncoder().encodeToString(new byte[16])))));
        cases.add(new Case("multipart chunk without upload_id", 400, "request.missing-field", () -> multipart("chunk_index", "1")));
        cases.add(new Case("multipart body that is not multipart", 400, "request.malformed-multipart", () -> client.send(client.request("/api/upload/chunk")
                .header("Content-Type", "multipart/form-data; boundary=zzz").POST(BodyPublishers.ofString("garbage")))));
        // complete and delete
        cases.add(new Case("complete with chunks missing", 409, "upload.incomplete", () -> client.complete(active)));
        cases.add(new Case("complete without a token", 404, "upload.not-found", () -> client.postJson("/api/upload/complete", "{\"upload_id\":\"" + id + "\"}")));
        cases.add(new Case("complete without upload_id", 400, "request.missing-field", () -> client.postJson("/api/upload/complete", "{}")));
        cases.add(new Case("complete with malformed JSON", 400, "request.malformed-json", () -> client.postJson("/api/upload/complete", "nope")));
        cases.add(new Case("delete without a token", 404, "upload.not-found", () -> client.send(client.request("/api/upload/" + id).DELETE())));
        cases.add(new Case("delete of a malformed id", 400, "upload.invalid-id", () -> client.send(client.request("/api/upload/not-an-id").DELETE())));
        cases.add(new Case("a path with an encoded slash", 400, "request.malformed", () -> client.send(client.request("/api/upload/..%2Fetc").DELETE())));

        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Answer answer = c.request().get();
            assertProblem(answer, c.status(), c.code());
            assertEquals(activeBefore, stateOf(active), "the active upload changed");
            Transfers.assertDownloadsExactly(client, completed, file);
        }));
    }

    @Test
    void completeWithChunksMissing_listsThemAndTheUploadStaysActive() {
        Answer answer = client.complete(active);

        assertProblem(answer, 409, "upload.incomplete");
        assertEquals(List.of(1, 2), answer.json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertEquals("active", client.status(active.id()).json().getString("state"));
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertAll(
                () -> assertEquals(status, answer.status(), answer.body()),
                () -> assertNotNull(answer.contentType(), "no content type"),
                () -> assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType()),
                () -> {
                    JsonObject problem = answer.json();
                    assertEquals(code, problem.getString("code"));
                    assertEquals(status, problem.getInt("status"));
                    assertFalse(problem.getString("title").isBlank());
                    assertFalse(problem.getString("detail").isBlank());
                    assertTrue(problem.getString("type").endsWith(code));
                },
                () -> assertFalse(answer.body().contains("Exception") || answer.body().contains("\tat "), answer.body()));
    }

    static String stateOf(Upload upload) {
        JsonObject status = client.status(upload.id()).json();
        return status.getString("state") + " " + status.getJsonArray("block_ids") + " " + status.getJsonNumber("file_size");
    }

    private static Answer init(String json) {
        return client.postJson("/api/upload/init", json);
    }

    private static HttpRequest.Builder chunkRequest(String id, String token, String index, long length) {
        HttpRequest.Builder request = client.request("/api/upload/" + id + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> UploadClient.slice(file, 0, length).get()), length));
        if (token != null) {
            request.header("Upload-Token", token);
        }
        return request;
    }

    private static Answer put(String id, String token, String index, long length) {
        return client.send(chunkRequest(id, token, index, length));
    }

    private static Answer multipart(String name, String value) {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
                + "abc\r\n--" + boundary + "--\r\n";
        return client.send(client.request("/api/upload/chunk").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Upload-Token", active.token())
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes()))));
    }
}

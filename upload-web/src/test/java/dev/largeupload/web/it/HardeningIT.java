package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile client tried at the HTTP edge, against the real server: ambiguous framing (request
 * smuggling), bad {@code Host} headers and targets, oversized JSON, loose digest headers, and the
 * headers every answer must carry. Each refusal is problem+json and changes nothing; a refused framing
 * also closes the connection, so the bytes after it never run as a request.
 */
// The file metadata store keeps one directory per upload: the tests can see that nothing was created.
@Server(stores = Stores.FILE, env = "READ_TIMEOUT=2s")
class HardeningIT {

    private static final int CHUNK = 1000;

    static ServerProcess server;
    static UploadClient client;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        server = started;
        client = connected;
    }

    // ---- framing: finding 5 ----

    /** A second request hidden after the body: if the server ever answers it, the framing was read two ways. */
    private static final String SMUGGLED = "GET /api/config HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 18446744073709552616", // 2^64 + 1000, which Liberty reads as 1000
            "Transfer-Encoding: xchunked|Content-Length: 1000",
            "Transfer-Encoding: chunked, identity",
            "Transfer-Encoding: gzip",
            "Transfer-Encoding: chunked|Transfer-Encoding: chunked",
            "Content-Length: 1000|Content-Length: 1000"})
    void anAmbiguousFraming_isRefusedWith400_theConnectionClosed_andNothingRecorded(String headers) {
        Upload upload = client.start("framing.bin", CHUNK, CHUNK);
        try (RawHttp raw = new RawHttp(server.base())) {
            String[] lines = Stream.concat(Stream.of("Upload-Token: " + upload.token(), "Content-Type: application/octet-stream"),
                    Stream.of(headers.split("\\|"))).toArray(String[]::new);
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/0 HTTP/1.1", lines);
            raw.send(("3e8\r\n" + "x".repeat(CHUNK) + "\r\n0\r\n\r\n" + SMUGGLED).getBytes(StandardCharsets.US_ASCII));

            Answer answer = raw.answer();

            assertProblem(answer, 400, "request.ambiguous-framing");
            assertEquals("close", answer.header("Connection").toLowerCase(Locale.ROOT));
            assertTrue(raw.closedWithoutAnotherAnswer(), "the bytes after the refused request ran as a request");
        }
        assertEquals(0, client.resume(upload.id()).json().getInt("completed_chunks"), "the refused chunk was recorded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 1000|Content-Length: 1001", "Transfer-Encoding: chunked|Content-Length: 1000",
            "Content-Length: 1000, 1000"})
    void framingsTheContainerSettlesItself_neverRunTheRestAsASecondRequest(String headers) {
        // Liberty's channel keeps one of two different lengths (or the chunked coding over a length), drops the
        // other before any filter sees it, and closes the connection after the answer: the rest is never read.
        // ("1000, 1000" it reads as no length at all: the chunk is refused as too short, and the connection closed.)
        Upload upload = client.start("settled.bin", CHUNK, CHUNK);
        try (RawHttp raw = new RawHttp(server.base())) {
            String[] lines = Stream.concat(Stream.of("Upload-Token: " + upload.token(), "Content-Type: application/octet-stream"),
                    Stream.of(headers.split("\\|"))).toArray(String[]::new);
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/0 HTTP/1.1", lines);
            String body = headers.contains("chunked") ? "3e8\r\n" + "x".repeat(CHUNK) + "\r\n0\r\n\r\n" : "x".repeat(CHUNK + 1);
            raw.send((body + SMUGGLED).getBytes(StandardCharsets.US_ASCII));

            raw.answer();

            assertTrue(raw.closedWithoutAnotherAnswer(), "the bytes after the request ran as a second request");
        }
    }

    @Test
    void transferEncodingOnHttp10_isRefused() {
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.send(("POST /api/upload/init HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertProblem(raw.answer(), 400, "request.ambiguous-framing");
        }
    }

    // ---- Host: finding 4 ----

    @ParameterizedTest
    @ValueSource(strings = {"exa mple{}", "a:b:c", "[zz", "host:123456", "a b"})
    void initWithAnInvalidHost_isRefusedWith400_andCreatesNoUpload(String host) throws IOException {
        List<String> before = storedUploads();
        Answer answer;
        try (RawHttp raw = new RawHttp(server.base())) {
            String json = "{\"filename\":\"a\",\"file_size\":5}";
            raw.send(("POST /api/upload/init HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + json.length() + "\r\n\r\n" + json).getBytes(StandardCharsets.ISO_8859_1));
            answer = raw.answer();
        }
        assertProblem(answer, 400, "request.invalid-host");
        assertEquals(before, storedUploads(), "an upload was created by a refused request");
    }

    @Test
    void http11WithoutAHostOrWithTwo_isRefused() {
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.send("GET /api/config HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertProblem(raw.answer(), 400, "request.invalid-host");
        }
        try (RawHttp raw = new RawHttp(server.base())) {
            assertProblem(raw.head("GET /api/config HTTP/1.1", "Host: other.example").answer(), 400, "request.invalid-host");
        }
    }

    @Test
    void linksInAnswers_areRelative_andNeverEchoTheClientsHost() throws Exception {
        Answer init;
        try (RawHttp raw = new RawHttp(server.base())) {
            String json = "{\"filename\":\"a.bin\",\"file_size\":5,\"chunk_size\":5}";
            raw.send(("POST /api/upload/init HTTP/1.1\r\nHost: attacker.example:666\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + json.length() + "\r\n\r\n" + json).getBytes(StandardCharsets.US_ASCII));
            init = raw.answer();
        }
        assertEquals(201, init.status(), init.body());
        JsonObject created = init.json();
        String id = created.getString("upload_id");
        assertEquals("/api/upload/status/" + id, init.header("Location"));
        Upload upload = new Upload(id, created.getString("upload_token"), 5, 1);
        assertEquals(200, client.putChunk(upload.id(), upload.token(), "0", () -> new java.io.ByteArrayInputStream(new byte[5]), 5).status());
        Answer complete;
        try (RawHttp raw = new RawHttp(server.base())) {
            String json = "{\"upload_id\":\"" + id + "\"}";
            raw.send(("POST /api/upload/complete HTTP/1.1\r\nHost: attacker.example:666\r\nContent-Type: application/json\r\n"
                    + "Upload-Token: " + upload.token() + "\r\nContent-Length: " + json.length() + "\r\n\r\n" + json)
                    .getBytes(StandardCharsets.US_ASCII));
            complete = raw.answer();
        }
        assertEquals(200, complete.status(), complete.body());
        assertEquals("/api/files/" + id, complete.json().getString("download_url"));
        assertFalse(init.body().contains("attacker.example") || complete.body().contains("attacker.example"));
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.send("GET /docs HTTP/1.1\r\nHost: attacker.example:666\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Answer docs = raw.answer();
            assertEquals(302, docs.status());
            assertEquals("/openapi/ui/", docs.header("Location"));
        }
    }

    // ---- request targets: finding 6 ----

    @ParameterizedTest
    @ValueSource(strings = {"/api/{x}", "/api/<x>", "/api/a^b", "/api/a`b", "/api/a\"b", "/api/a|b",
            "/api/config?x={y}"})
    void aTargetWithCharactersNoUriHolds_isAProblemNotA500(String target) {
        try (RawHttp raw = new RawHttp(server.base())) {
            assertProblem(raw.head("GET " + target + " HTTP/1.1").answer(), 400, "request.malformed");
        }
    }

    @Test
    void aChunkWhoseQueryHoldsABrace_isRefusedBeforeItIsStored() {
        Upload upload = client.start("query.bin", CHUNK, CHUNK);
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/0?a={b} HTTP/1.1", "Upload-Token: " + upload.token(),
                    "Content-Type: application/octet-stream", "Content-Length: " + CHUNK).send(new byte[CHUNK]);
            assertProblem(raw.answer(), 400, "request.malformed");
        }
        assertEquals(0, client.resume(upload.id()).json().getInt("completed_chunks"));
    }

    // ---- JSON bodies: finding 2 ----

    @Test
    void aJsonBodyDeclaredLargerThanTheLimit_isRefusedWith413BeforeItIsSent() {
        try (RawHttp raw = new RawHttp(server.base())) {
            // 60 MB announced, not one byte of it sent: the answer cannot wait for the body.
            Answer answer = raw.head("POST /api/upload/init HTTP/1.1", "Content-Type: application/json",
                    "Content-Length: 60000000").answer();
            assertProblem(answer, 413, "request.too-large");
        }
    }

    @Test
    void aChunkedJsonBodyPastTheLimit_isRefusedWith413WhileTheClientHoldsTheRest() throws IOException {
        List<String> before = storedUploads();
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("POST /api/upload/init HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: chunked");
            raw.sendChunk(("{\"filename\":\"a\",\"file_size\":5,\"pad\":\"" + "x".repeat(16 * 1024)).getBytes(StandardCharsets.US_ASCII));
            // The body is never ended: the server must answer from the first 8 KiB.
            assertProblem(raw.answer(), 413, "request.too-large");
        }
        assertEquals(before, storedUploads());
    }

    @Test
    void aJsonBodyOfExactlyTheLimit_isRead_andOneByteMoreIsNot() {
        String json = "{\"filename\":\"a\",\"file_size\":5}";
        String atLimit = json + " ".repeat(8 * 1024 - json.length());
        assertEquals(201, client.postJson("/api/upload/init", atLimit).status());
        assertProblem(client.postJson("/api/upload/init", atLimit + " "), 413, "request.too-large");
    }

    // ---- headers: finding 7 ----

    @Test
    void everyAnswer_carriesNosniff_includingTheContainersOwn() {
        for (String path : List.of("/api/config", "/api/upload/status/nope", "/api/nothing", "/health/ready", "/metrics", "/nothing")) {
            Answer answer = client.send(client.request(path).GET());
            assertEquals("nosniff", answer.header("X-Content-Type-Options"), path);
        }
    }

    @Test
    void metrics_neverAllowCredentials() {
        Answer answer = client.send(client.request("/metrics").header("Origin", "https://evil.example").GET());
        assertEquals(200, answer.status());
        assertNull(answer.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void aDownloadOfAnActiveType_isAnAttachment_neverSniffed_andSandboxed() {
        Answer init = client.postJson("/api/upload/init",
                "{\"filename\":\"page.html\",\"file_size\":30,\"chunk_size\":30,\"content_type\":\"text/html\"}");
        JsonObject json = init.json();
        Upload upload = new Upload(json.getString("upload_id"), json.getString("upload_token"), 30, 1);
        byte[] html = "<script>alert(1)</script>\n    ".getBytes(StandardCharsets.US_ASCII);
        assertEquals(200, client.putChunk(upload.id(), upload.token(), "0", () -> new java.io.ByteArrayInputStream(html), html.length).status());
        assertEquals(200, client.complete(upload).status());

        Answer download = client.send(client.request("/api/files/" + upload.id()).GET());

        assertEquals(200, download.status());
        assertTrue(download.header("Content-Disposition").startsWith("attachment;"), download.header("Content-Disposition"));
        assertEquals("nosniff", download.header("X-Content-Type-Options"));
        assertTrue(download.header("Content-Security-Policy").contains("sandbox"), download.header("Content-Security-Policy"));
    }

    // ---- Content-Digest: finding 9 ----

    @ParameterizedTest
    @ValueSource(strings = {"%s, sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:", "%s, Garbage", "%s x", "%s,"})
    void aContentDigestThatIsNotOneStrictDictionary_isRefused_andTheChunkNotRecorded(String template) {
        Upload upload = client.start("digest.bin", CHUNK, CHUNK);
        String good = "sha-256=:" + Base64.getEncoder().encodeToString(sha256(new byte[CHUNK])) + ":";
        Answer answer = client.send(client.request("/api/upload/" + upload.id() + "/chunks/0")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .header("Content-Digest", String.format(template, good)).PUT(BodyPublishers.ofByteArray(new byte[CHUNK])));
        assertProblem(answer, 400, "upload.invalid-checksum");
        assertEquals(0, client.resume(upload.id()).json().getInt("completed_chunks"));
    }

    @Test
    void twoContentDigestHeaders_areRefused() {
        Upload upload = client.start("digests.bin", CHUNK, CHUNK);
        String good = "sha-256=:" + Base64.getEncoder().encodeToString(sha256(new byte[CHUNK])) + ":";
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/0 HTTP/1.1", "Upload-Token: " + upload.token(),
                    "Content-Type: application/octet-stream", "Content-Digest: " + good,
                    "Content-Digest: sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:", "Content-Length: " + CHUNK);
            raw.send(new byte[CHUNK]);
            assertProblem(raw.answer(), 400, "request.duplicate-header");
        }
        assertEquals(0, client.resume(upload.id()).json().getInt("completed_chunks"));
    }

    // ---- small ones: finding 10 ----

    @Test
    void progress_countsBytes_inTheChunkAnswerAsInStatusAndResume() {
        // 2,500 bytes in chunks of 1,000: the last chunk alone is 500 bytes, 20 % of the file (a third of the chunks).
        Upload upload = client.start("progress.bin", 2500, CHUNK);
        Answer chunk = client.putChunk(upload.id(), upload.token(), "2", () -> new java.io.ByteArrayInputStream(new byte[500]), 500);

        assertEquals(20.0, chunk.json().getJsonNumber("progress_percentage").doubleValue(), chunk.body());
        assertEquals(20.0, client.status(upload.id()).json().getJsonNumber("progress_percentage").doubleValue());
        assertEquals(20.0, client.resume(upload.id()).json().getJsonNumber("progress_percentage").doubleValue());
        Answer second = client.putChunk(upload.id(), upload.token(), "0", () -> new java.io.ByteArrayInputStream(new byte[CHUNK]), CHUNK);
        assertEquals(60.0, second.json().getJsonNumber("progress_percentage").doubleValue(), second.body());
    }

    @Test
    void aFileUploadedAsJson_downloadsByteForByte_withoutTheNewlineOfTheApisOwnAnswers() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII);
        Answer init = client.postJson("/api/upload/init", "{\"filename\":\"a.json\",\"file_size\":" + json.length
                + ",\"content_type\":\"application/json\"}");
        Upload upload = new Upload(init.json().getString("upload_id"), init.json().getString("upload_token"), json.length, 1);
        assertEquals(200, client.putChunk(upload.id(), upload.token(), "0", () -> new java.io.ByteArrayInputStream(json), json.length).status());
        assertEquals(200, client.complete(upload).status());

        Answer download = client.send(client.request("/api/files/" + upload.id()).GET());

        assertEquals("{\"a\":1}", download.body());
    }

    @Test
    void jsonAnswersAndProblems_endWithANewline() {
        for (Answer answer : List.of(client.send(client.request("/api/config").GET()), client.status("nope"),
                client.postJson("/api/upload/init", "{"), client.send(client.request("/api/nothing").GET()),
                client.send(client.request("/nothing").GET()), refusedByTheFilter())) {
            assertTrue(answer.body().endsWith("}\n"), "no newline after: " + answer.body());
        }
    }

    // ---- slow headers: finding 7 ----

    @Test
    void aHeadThatFallsSilentLongerThanTheReadTimeout_isAnswered408AndClosed() {
        try (RawHttp raw = new RawHttp(server.base())) {
            raw.send("GET /api/config HTTP/1.1\r\nHost: localhost\r\nX-Slow: abc".getBytes(StandardCharsets.US_ASCII));
            // Then silence: READ_TIMEOUT is 2 s here; the server must give up on its own, well before our 120 s.
            // (Liberty answers this itself, before the application: an empty 408, not a problem document.)
            assertEquals(408, raw.answer().status());
            assertTrue(raw.closedWithoutAnotherAnswer());
        }
    }

    private static Answer refusedByTheFilter() {
        try (RawHttp raw = new RawHttp(server.base())) {
            return raw.head("GET /api/{x} HTTP/1.1").answer();
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> storedUploads() throws IOException {
        try (Stream<Path> dirs = Files.list(server.dataDir().resolve("metadata-files"))) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}

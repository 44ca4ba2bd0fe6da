package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never a wrong byte: per-chunk digests (Content-MD5, Content-Digest) checked while streaming, the
 * composite digest and the whole-file SHA-256 checked before anything is committed; display names
 * sanitised; CORS only for the configured origins. Against the real server on the embedded default.
 */
@Server(env = "CORS_ALLOWED_ORIGINS=" + IntegrityIT.ALLOWED_ORIGIN + ", https://other.example.org:8443")
class IntegrityIT {

    private static final int CHUNK = 64 * 1024;
    static final String ALLOWED_ORIGIN = "https://app.example.com";

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        server = started;
        client = connected;
    }

    // ---- per-chunk digests ----

    @Test
    void chunkWithItsContentDigest_isAccepted_andAnswersTheSha256TheServerComputed() {
        byte[] file = randomBytes(3 * CHUNK, 1);
        Upload upload = client.start("digest.bin", file.length, CHUNK);

        Answer answer = put(upload, 1, chunk(file, 1), Map.of("Content-Digest", contentDigest(chunk(file, 1))));

        assertEquals(200, answer.status(), answer.body());
        assertEquals(hex(sha256(chunk(file, 1))), answer.json().getString("sha256"));
    }

    @Test
    void chunkWithoutADigest_stillAnswersItsSha256() {
        byte[] file = randomBytes(2 * CHUNK, 2);
        Upload upload = client.start("nodigest.bin", file.length, CHUNK);

        Answer answer = put(upload, 0, chunk(file, 0), Map.of());

        assertEquals(200, answer.status(), answer.body());
        assertEquals(hex(sha256(chunk(file, 0))), answer.json().getString("sha256"));
    }

    @Test
    void flippedByteWithTheOriginalsContentDigest_isRefused_andNothingIsRecorded() {
        byte[] file = randomBytes(3 * CHUNK, 3);
        Upload upload = client.start("flipped.bin", file.length, CHUNK);
        byte[] damaged = chunk(file, 2);
        damaged[damaged.length / 2] ^= 0x01;

        Answer refused = put(upload, 2, damaged, Map.of("Content-Digest", contentDigest(chunk(file, 2))));

        assertProblem(refused, 422, "upload.checksum-mismatch");
        assertEquals(List.of(0, 1, 2), missing(upload));
        assertEquals(200, put(upload, 2, chunk(file, 2), Map.of("Content-Digest", contentDigest(chunk(file, 2)))).status());
        assertEquals(List.of(0, 1), missing(upload));
    }

    @Test
    void flippedByteWithTheOriginalsContentMd5_isRefused_andNothingIsRecorded() throws Exception {
        byte[] file = randomBytes(2 * CHUNK, 4);
        Upload upload = client.start("flipped-md5.bin", file.length, CHUNK);
        byte[] damaged = chunk(file, 0);
        damaged[0] ^= (byte) 0x80;
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(chunk(file, 0)));

        assertProblem(put(upload, 0, damaged, Map.of("Content-MD5", md5)), 422, "upload.checksum-mismatch");
        assertEquals(List.of(0, 1), missing(upload));
    }

    @Test
    void contentDigestWithBothAlgorithms_checksTheSha256AndIgnoresTheOther() {
        byte[] file = randomBytes(CHUNK, 5);
        Upload upload = client.start("two-algorithms.bin", file.length, CHUNK);

        Answer answer = put(upload, 0, file, Map.of("Content-Digest", "sha-512=:AAAA:, " + contentDigest(file)));

        assertEquals(200, answer.status(), answer.body());
    }

    @Test
    void contentDigestWithoutSha256_orMalformed_isAnInvalidChecksum_andNothingIsRead() {
        byte[] file = randomBytes(CHUNK, 6);
        Upload upload = client.start("bad-digest.bin", file.length, CHUNK);

        for (String header : List.of("sha-512=:" + Base64.getEncoder().encodeToString(new byte[64]) + ":",
                "sha-256=" + hex(sha256(file)), "sha-256=:" + Base64.getEncoder().encodeToString(new byte[31]) + ":",
                "sha-256=:not base64!:", "garbage")) {
            assertProblem(put(upload, 0, file, Map.of("Content-Digest", header)), 400, "upload.invalid-checksum");
        }
        assertEquals(List.of(0), missing(upload));
    }

    // ---- the composite digest and the whole-file SHA-256 ----

    @Test
    void complete_withTheRightCompositeDigest_commits_andAnswersBothDigests() {
        byte[] file = randomBytes(3 * CHUNK + 100, 7);
        Upload upload = sendAll("composite.bin", file);

        Answer done = complete(upload, Json.createObjectBuilder().add("composite_sha256", hex(composite(file))).build());

        assertEquals(200, done.status(), done.body());
        assertEquals(hex(composite(file)), done.json().getString("composite_sha256"));
        assertFalse(done.json().containsKey("sha256"), "no whole-file SHA-256 is computed unless one was asked for");
        assertEquals(hex(sha256(file)), client.download(upload.id(), null).sha256());
    }

    @Test
    void complete_withAWrongCompositeDigest_commitsNothing_andTheUploadStaysActive() {
        byte[] file = randomBytes(2 * CHUNK, 8);
        Upload upload = sendAll("wrong-composite.bin", file);
        byte[] wrong = composite(file);
        wrong[0] ^= 1;

        assertProblem(complete(upload, Json.createObjectBuilder().add("composite_sha256", hex(wrong)).build()),
                422, "upload.checksum-mismatch");

        assertEquals("active", client.status(upload.id()).json().getString("state"));
        assertEquals(409, client.download(upload.id(), null).status(), "nothing was committed");
        assertEquals(200, complete(upload, Json.createObjectBuilder().build()).status());
    }

    @Test
    void wholeFileSha256GivenAtInit_thatDoesNotMatch_commitsNothing() {
        byte[] file = randomBytes(2 * CHUNK, 9);
        byte[] other = sha256("another file".getBytes());
        Answer init = client.postJson("/api/upload/init", Json.createObjectBuilder().add("filename", "claimed.bin")
                .add("file_size", file.length).add("chunk_size", CHUNK).add("sha256", hex(other)).build().toString());
        assertEquals(201, init.status(), init.body());
        Upload upload = new Upload(init.json().getString("upload_id"), init.json().getString("upload_token"), CHUNK, 2);
        for (int i = 0; i < 2; i++) {
            assertEquals(200, put(upload, i, chunk(file, i), Map.of()).status());
        }

        assertProblem(complete(upload, Json.createObjectBuilder().build()), 422, "upload.checksum-mismatch");

        assertEquals("active", client.status(upload.id()).json().getString("state"));
        assertEquals(409, client.download(upload.id(), null).status());
    }

    @Test
    void wholeFileSha256GivenAtComplete_thatMatches_commits() {
        byte[] file = randomBytes(2 * CHUNK + 1, 10);
        Upload upload = sendAll("sha-at-complete.bin", file);

        Answer done = complete(upload, Json.createObjectBuilder().add("sha256", hex(sha256(file)).toUpperCase()).build());

        assertEquals(200, done.status(), done.body());
        assertEquals(hex(sha256(file)), done.json().getString("sha256"));
    }

    @Test
    void malformedDigestsAtComplete_areInvalidChecksums() {
        byte[] file = randomBytes(CHUNK, 11);
        Upload upload = sendAll("malformed.bin", file);
        assertProblem(complete(upload, Json.createObjectBuilder().add("composite_sha256", "abc").build()),
                400, "upload.invalid-checksum");
        assertProblem(complete(upload, Json.createObjectBuilder().add("sha256", "z".repeat(64)).build()),
                400, "upload.invalid-checksum");
        assertEquals("active", client.status(upload.id()).json().getString("state"));
    }

    // ---- names ----

    @Test
    void displayNames_areSanitised_neverRefusedForTheirCharacters() {
        Map<String, String> expected = Map.of(
                "C:\\fakepath\\report.pdf", "report.pdf",
                "../../etc/passwd", "passwd",
                "evil\u202Etxt.exe", "eviltxt.exe",
                "tab\tand\u0000null.bin", "tabandnull.bin",
                "  spaced.txt  ", "spaced.txt",
                "x".repeat(300) + ".tar.gz", "x".repeat(252) + ".gz");
        expected.forEach((raw, clean) -> {
            Answer init = client.postJson("/api/upload/init", Json.createObjectBuilder().add("filename", raw)
                    .add("file_size", 1).build().toString());
            assertEquals(201, init.status(), raw + " → " + init.body());
            assertEquals(clean, init.json().getString("filename"), raw);
            assertEquals(clean, client.status(init.json().getString("upload_id")).json().getString("filename"));
        });
        assertProblem(client.postJson("/api/upload/init", "{\"filename\":\"\\u202E/\\u0000\",\"file_size\":1}"),
                400, "upload.invalid-filename");
    }

    // ---- CORS ----

    @Test
    void cors_preflightFromAnAllowedOrigin_isAllowedWithTheHeadersThePageNeeds() {
        Answer preflight = client.send(client.request("/api/upload/init")
                .header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "content-type, upload-token, content-digest")
                .method("OPTIONS", BodyPublishers.noBody()));

        assertEquals(ALLOWED_ORIGIN, preflight.header("Access-Control-Allow-Origin"), preflight.toString());
        String allowedHeaders = preflight.header("Access-Control-Allow-Headers").toLowerCase();
        assertTrue(allowedHeaders.contains("upload-token") && allowedHeaders.contains("content-digest"), allowedHeaders);
        assertFalse("true".equals(preflight.header("Access-Control-Allow-Credentials")), "credentials are never allowed");
    }

    @Test
    void cors_simpleRequestFromAnAllowedOrigin_exposesRetryAfterAndLocation() {
        Answer answer = client.send(client.request("/api/config").header("Origin", ALLOWED_ORIGIN).GET());
        assertEquals(ALLOWED_ORIGIN, answer.header("Access-Control-Allow-Origin"));
        String exposed = answer.header("Access-Control-Expose-Headers").toLowerCase();
        assertTrue(exposed.contains("retry-after") && exposed.contains("location"), exposed);
    }

    @Test
    void cors_fromAnOriginNotOnTheList_getsNoCorsHeaders() {
        Answer preflight = client.send(client.request("/api/upload/init")
                .header("Origin", "https://evil.example.net")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", BodyPublishers.noBody()));
        assertNull(preflight.header("Access-Control-Allow-Origin"), preflight.toString());
        Answer simple = client.send(client.request("/api/config").header("Origin", "https://evil.example.net").GET());
        assertNull(simple.header("Access-Control-Allow-Origin"));
    }

    // ---- helpers ----

    private static Upload sendAll(String name, byte[] file) {
        Upload upload = client.start(name, file.length, CHUNK);
        for (int i = 0; i < upload.totalChunks(); i++) {
            Answer answer = put(upload, i, chunk(file, i), Map.of("Content-Digest", contentDigest(chunk(file, i))));
            assertEquals(200, answer.status(), answer.body());
        }
        return upload;
    }

    private static Answer put(Upload upload, int index, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = client.request("/api/upload/" + upload.id() + "/chunks/" + index)
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .PUT(BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return client.send(request);
    }

    private static Answer complete(Upload upload, JsonObject extra) {
        JsonObject body = Json.createObjectBuilder(extra).add("upload_id", upload.id()).build();
        return client.send(client.request("/api/upload/complete").header("Content-Type", "application/json")
                .header("Upload-Token", upload.token()).POST(BodyPublishers.ofString(body.toString())));
    }

    private static List<Integer> missing(Upload upload) {
        List<Integer> missing = new ArrayList<>();
        client.resume(upload.id()).json().getJsonArray("missing_chunks").forEach(v -> missing.add(Integer.parseInt(v.toString())));
        return missing;
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.toString());
        assertEquals("application/problem+json", answer.contentType(), answer.toString());
        assertEquals(code, answer.json().getString("code"), answer.toString());
    }

    private static byte[] chunk(byte[] file, int index) {
        return Arrays.copyOfRange(file, index * CHUNK, Math.min(file.length, (index + 1) * CHUNK));
    }

    private static byte[] composite(byte[] file) {
        MessageDigest all = newSha256();
        for (int i = 0; i * CHUNK < file.length; i++) {
            all.update(sha256(chunk(file, i)));
        }
        return all.digest();
    }

    private static String contentDigest(byte[] body) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(sha256(body)) + ":";
    }

    static byte[] sha256(byte[] bytes) {
        return newSha256().digest(bytes);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.IntegrityIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in with MicroProfile JWT against the real server on Redis, with tokens signed by a key this test made (its
 * public key passed as {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}): writes need a token, an upload belongs to its
 * creator, another subject's upload is an unknown one, {@code GET /api/uploads} lists exactly the caller's, an
 * administrator sees and deletes every one, and the quota per subject holds under 20 concurrent inits.
 */
@Server(stores = Stores.REDIS, env = {"QUOTA_ACTIVE_UPLOADS=3", "QUOTA_ACTIVE_BYTES=50000000"})
class SignInIT {

    static final TestTokens TOKENS = new TestTokens();
    static UploadClient client;

    static Map<String, String> serverEnv(Path work) {
        return Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", TOKENS.writePublicKey(work.resolve("keys")).toString(),
                "MP_JWT_VERIFY_ISSUER", TestTokens.ISSUER);
    }

    @BeforeAll
    static void connect(UploadClient connected) {
        client = connected;
    }

    // --- who may write -------------------------------------------------------------------------

    @Test
    void everyWrite_withoutAToken_answers401ProblemWithABearerChallenge() {
        Upload upload = start(unique("a"), "mine.bin", 10);
        List<Answer> refused = List.of(
                client.init("x.bin", 10, 10),
                client.putChunk(upload.id(), upload.token(), "0", UploadClient.slice(tenBytes(), 0, 10), 10),
                client.complete(upload),
                client.delete(upload),
                client.send(client.request("/api/tus/").header("Tus-Resumable", "1.0.0").header("Upload-Length", "10")
                        .POST(BodyPublishers.noBody())));
        for (Answer answer : refused) {
            assertProblem(answer, 401, "auth.unauthorized");
            assertTrue(answer.header("WWW-Authenticate").startsWith("Bearer"), answer.toString());
        }
    }

    @Test
    void anExpiredToken_aWrongIssuer_aForeignKeyAndGarbage_answer401() {
        String subject = unique("a");
        List<String> bad = List.of(
                TOKENS.token(subject, TestTokens.ISSUER, Instant.now().minusSeconds(3600)),
                TOKENS.token(subject, "https://evil.example.test/", Instant.now().plusSeconds(3600)),
                new TestTokens().token(subject),
                "not.a.token");
        for (String token : bad) {
            Answer answer = client.send(init(token, "x.bin", 10));
            assertProblem(answer, 401, "auth.unauthorized");
            assertTrue(answer.header("WWW-Authenticate").contains("invalid_token"), answer.toString());
            assertProblem(client.send(client.request("/api/uploads").header("Authorization", "Bearer " + token).GET()),
                    401, "auth.unauthorized");
        }
    }

    // --- whose upload it is ----------------------------------------------------------------------

    @Test
    void anotherSubjectsUpload_isAnUnknownOne_forEveryCall_andTheAdministratorSeesAndDeletesIt() {
        String a = TOKENS.token(unique("a"));
        String b = TOKENS.token(unique("b"));
        String admin = TOKENS.token(unique("admin"), "upload-admin");
        Upload mine = start(a, "a.bin", 10);
        Upload done = start(a, "done.bin", 10);
        assertEquals(200, client.send(bearer(client.request("/api/upload/" + done.id() + "/chunks/0"), a)
                .header("Upload-Token", done.token()).header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofByteArray(new byte[10]))).status());
        assertEquals(200, client.send(complete(a, done)).status());

        List<Answer> asB = List.of(
                client.send(bearer(client.request("/api/upload/status/" + mine.id()), b).GET()),
                client.send(bearer(client.request("/api/upload/resume/" + mine.id()), b).GET()),
                client.send(bearer(client.request("/api/upload/" + mine.id() + "/chunks/0"), b)
                        .header("Upload-Token", mine.token()).header("Content-Type", "application/octet-stream")
                        .PUT(BodyPublishers.ofByteArray(new byte[10]))),
                client.send(complete(b, mine)),
                client.send(bearer(client.request("/api/upload/" + mine.id()), b).header("Upload-Token", mine.token()).DELETE()),
                client.send(bearer(client.request("/api/files/" + done.id()), b).GET()),
                client.send(client.request("/api/upload/status/" + mine.id()).GET()));
        for (Answer answer : asB) {
            assertProblem(answer, 404, "upload.not-found");
        }
        assertEquals(200, client.send(bearer(client.request("/api/upload/status/" + mine.id()), a).GET()).status());
        assertEquals(200, client.send(bearer(client.request("/api/files/" + done.id()), a).GET()).status());
        assertEquals(200, client.send(bearer(client.request("/api/upload/status/" + mine.id()), admin).GET()).status());
        assertEquals(200, client.send(bearer(client.request("/api/upload/" + mine.id()), admin).DELETE()).status(),
                "an administrator deletes without the upload token");
        assertProblem(client.send(bearer(client.request("/api/upload/status/" + mine.id()), a).GET()), 404, "upload.not-found");
    }

    @Test
    void myUploads_listsExactlyTheCallersNewestFirst_pageByPage_andTheAdministratorSeesEveryone() {
        String a = TOKENS.token(unique("a"));
        String b = TOKENS.token(unique("b"));
        String admin = TOKENS.token(unique("admin"), "upload-admin");
        Upload a1 = start(a, "a1.bin", 10);
        Upload a2 = start(a, "a2.bin", 10);
        Upload b1 = start(b, "b1.bin", 10);

        JsonObject first = list(a, "?limit=1");
        JsonObject second = list(a, "?limit=1&cursor=" + first.getString("next_cursor"));
        assertEquals(List.of(a2.id()), ids(first));
        assertEquals(List.of(a1.id()), ids(second));
        assertFalse(second.containsKey("next_cursor"), second.toString());
        JsonObject item = first.getJsonArray("items").getJsonObject(0);
        assertEquals("a2.bin", item.getString("filename"));
        assertEquals("active", item.getString("state"));
        assertEquals(10, item.getJsonNumber("file_size").longValue());
        assertEquals(0, item.getJsonNumber("received_bytes").longValue());
        assertTrue(item.containsKey("created_at") && item.containsKey("expires_at"), item.toString());
        assertEquals(List.of(b1.id()), ids(list(b, "")));
        assertEquals(List.of(), ids(list(a, "?state=completed")));
        List<String> everyone = ids(list(admin, "?limit=200"));
        assertTrue(everyone.containsAll(List.of(a1.id(), a2.id(), b1.id())), everyone.toString());
        assertEquals(List.of(), ids(json(client.send(client.request("/api/uploads").GET()))),
                "a caller who is not signed in and presents no tokens sees nothing");
        assertProblem(client.send(bearer(client.request("/api/uploads?state=lost"), a).GET()), 400, "request.invalid-parameter");
        assertProblem(client.send(bearer(client.request("/api/uploads?cursor=nonsense"), a).GET()), 400, "request.invalid-cursor");
    }

    // --- quotas ----------------------------------------------------------------------------------

    @Test
    void twentyConcurrentInits_ofOneSubject_neverGoOverItsQuotaOfThree() throws Exception {
        String c = TOKENS.token(unique("c"));
        int threads = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String name = "q" + i + ".bin";
                answers.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return client.send(init(c, name, 1000));
                }));
            }
            int created = 0;
            for (Future<Answer> future : answers) {
                Answer answer = future.get(60, TimeUnit.SECONDS);
                if (answer.status() == 201) {
                    created++;
                } else {
                    assertProblem(answer, 429, "quota.uploads-exceeded");
                    JsonObject problem = answer.json();
                    assertEquals("active_uploads", problem.getString("quota"));
                    assertEquals(3, problem.getInt("limit"));
                    assertEquals(3, problem.getInt("used"));
                }
            }
            assertEquals(3, created);
        } finally {
            pool.shutdownNow();
        }
        JsonObject quota = json(client.send(bearer(client.request("/api/config"), c).GET())).getJsonObject("quota");
        assertEquals(3, quota.getInt("active_uploads"));
        assertEquals(3, quota.getInt("used_uploads"));
        assertEquals(3000, quota.getJsonNumber("used_bytes").longValue());
    }

    @Test
    void anInitOverTheBytesQuota_answers413SayingWhichLimit() {
        String d = TOKENS.token(unique("d"));
        start(d, "big.bin", 40_000_000);
        Answer answer = client.send(init(d, "more.bin", 20_000_000));
        assertProblem(answer, 413, "quota.bytes-exceeded");
        assertEquals("active_bytes", answer.json().getString("quota"));
        assertEquals(50_000_000, answer.json().getJsonNumber("limit").longValue());
        assertEquals(40_000_000, answer.json().getJsonNumber("used").longValue());
        assertEquals(201, client.send(init(d, "fits.bin", 10_000_000)).status());
    }

    @Test
    void config_tellsThatSignInIsRequired_andWhoTheCallerIs() {
        JsonObject anonymous = json(client.send(client.request("/api/config").GET()));
        assertTrue(anonymous.getJsonObject("sign_in").getBoolean("required"));
        assertEquals(3, anonymous.getJsonObject("quota").getInt("active_uploads"));
        String subject = unique("e");
        JsonObject signedIn = json(client.send(bearer(client.request("/api/config"), TOKENS.token(subject)).GET()));
        assertEquals(subject, signedIn.getJsonObject("sign_in").getString("subject"));
        assertEquals(0, signedIn.getJsonObject("quota").getInt("used_uploads"));
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static Upload start(String token, String name, long size) {
        if (!token.contains(".")) {
            token = TOKENS.token(token);
        }
        Answer answer = client.send(init(token, name, size));
        assertEquals(201, answer.status(), answer.toString());
        JsonObject json = answer.json();
        return new Upload(json.getString("upload_id"), json.getString("upload_token"),
                json.getJsonNumber("chunk_size").longValue(), json.getInt("total_chunks"));
    }

    private static HttpRequest.Builder init(String token, String name, long size) {
        return bearer(client.request("/api/upload/init"), token).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(Json.createObjectBuilder().add("filename", name).add("file_size", size)
                        .build().toString()));
    }

    private static HttpRequest.Builder complete(String token, Upload upload) {
        return bearer(client.request("/api/upload/complete"), token).header("Content-Type", "application/json")
                .header("Upload-Token", upload.token())
                .POST(BodyPublishers.ofString("{\"upload_id\":\"" + upload.id() + "\"}"));
    }

    private static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    private static JsonObject list(String token, String query) {
        return json(client.send(bearer(client.request("/api/uploads" + query), token).GET()));
    }

    private static JsonObject json(Answer answer) {
        assertEquals(200, answer.status(), answer.toString());
        return answer.json();
    }

    private static List<String> ids(JsonObject page) {
        return page.getJsonArray("items").stream().map(JsonValue::asJsonObject).map(o -> o.getString("upload_id")).toList();
    }

    private static String unique(String who) {
        return who + "-" + java.util.UUID.randomUUID();
    }

    private static Path tenBytes() {
        try {
            Path file = java.nio.file.Files.createTempFile("ten", ".bin");
            java.nio.file.Files.write(file, "0123456789".getBytes(StandardCharsets.US_ASCII));
            file.toFile().deleteOnExit();
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

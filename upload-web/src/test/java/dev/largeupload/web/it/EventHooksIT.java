package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.HookReceiver.Received;
import dev.largeupload.web.it.HookReceiver.Reply;
import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event hooks and the pre-create hook on the embedded default (H2, filesystem blobs), black box: one server whose
 * {@code HOOK_URL} and {@code PRE_CREATE_HOOK_URL} point at a {@link HookReceiver} in this test, which checks every
 * signature. Events of the native API, tus and the IETF draft arrive signed and in order per upload; a refusing
 * pre-create hook makes every edge answer 403 and create nothing, a silent one 503; and an event the receiver
 * refused until the server was killed with -9 arrives after the restart.
 */
class EventHooksIT {

    private static final String SECRET = "it-hook-secret-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path work;
    static HookReceiver receiver;
    static ServerProcess server;
    UploadClient client;

    @BeforeAll
    static void start() throws Exception {
        receiver = new HookReceiver(SECRET);
        server = ServerProcess.start(work.resolve("server"), Map.of(
                "HOOK_URL", receiver.eventsUrl().toString(),
                "HOOK_SECRET", SECRET,
                "PRE_CREATE_HOOK_URL", receiver.preCreateUrl().toString(),
                "PRE_CREATE_HOOK_TIMEOUT", "PT1S",
                "HOOK_TIMEOUT", "PT1S",
                "HOOK_RETRY_MIN", "PT0.2S",
                "HOOK_RETRY_MAX", "PT0.5S",
                "HOOK_POLL_INTERVAL", "PT0.2S"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @BeforeEach
    void connect() {
        client = new UploadClient(server.base());
        receiver.answerEvents(body -> Reply.of(200));
        receiver.answerPreCreate(body -> Reply.of(204));
    }

    @Test
    void nativeUpload_sendsCreatedThenCompleted_signed_withTheUploadsFields_andDeleteSendsAborted() throws Exception {
        Path file = TestFiles.random(work, "native.bin", 300_000, 17);
        Answer init = client.postJson("/api/upload/init", jakarta.json.Json.createObjectBuilder().add("filename", "report.pdf")
                .add("file_size", Files.size(file)).add("chunk_size", 131_072).add("sha256", TestFiles.sha256(file))
                .build().toString());
        assertEquals(201, init.status(), init.body());
        Upload upload = new Upload(init.json().getString("upload_id"), init.json().getString("upload_token"),
                init.json().getJsonNumber("chunk_size").longValue(), init.json().getInt("total_chunks"));
        for (int i = 0; i < upload.totalChunks(); i++) {
            long offset = i * upload.chunkSize();
            assertEquals(200, client.putChunk(upload, i, file, offset, Math.min(upload.chunkSize(), Files.size(file) - offset)).status());
        }
        assertEquals(200, client.complete(upload).status());

        List<Received> events = receiver.awaitEvents(of(upload.id()), 2, WAIT);
        assertEquals(List.of("upload.created", "upload.completed"), events.stream().map(Received::type).toList());
        events.forEach(e -> assertTrue(e.signatureValid(), "bad signature on " + e.body()));
        events.forEach(e -> assertEquals(e.id(), e.hookId(), "Hook-Id names the event"));
        assertNotEquals(events.get(0).id(), events.get(1).id());
        JsonObject completed = events.get(1).body();
        Instant createdAt = Instant.parse(completed.getString("created_at"));
        assertTrue(Duration.between(createdAt, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) < 0, "created_at is now");
        assertTrue(!Instant.parse(completed.getString("sent_at")).isBefore(createdAt), "sent_at, signed, is this attempt's");
        JsonObject described = completed.getJsonObject("upload");
        assertEquals("report.pdf", described.getString("filename"));
        assertEquals(300_000, described.getJsonNumber("file_size").longValue());
        assertEquals(TestFiles.sha256(file), described.getString("sha256"));
        assertEquals(64, described.getString("composite_sha256").length());
        assertEquals(upload.id(), described.getString("blob"));
        assertEquals("completed", described.getString("state"));
        assertEquals(JsonValue.NULL, described.get("subject"));
        assertEquals("report.pdf", receiver.questions().stream().map(q -> q.body().getJsonObject("upload"))
                .filter(u -> u.getJsonNumber("file_size").longValue() == 300_000).findFirst().orElseThrow()
                .getString("filename"), "the pre-create hook was asked first");

        Upload other = client.start("gone.bin", 10, 10);
        assertEquals(200, client.delete(other).status());
        List<Received> aborted = receiver.awaitEvents(of(other.id()), 2, WAIT);
        assertEquals(List.of("upload.created", "upload.aborted"), aborted.stream().map(Received::type).toList());
        assertEquals("aborted", aborted.get(1).body().getJsonObject("upload").getString("state"));
    }

    @Test
    void tusAndIetfDraftUploads_sendTheirEventsToo() throws Exception {
        byte[] body = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        Answer tus = client.send(client.request("/api/tus/").POST(BodyPublishers.ofByteArray(body))
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", Integer.toString(body.length))
                .header("Upload-Metadata", "filename " + Base64.getEncoder().encodeToString("tus.txt".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/offset+octet-stream"));
        assertEquals(201, tus.status(), tus.body());
        String tusId = idOf(tus);
        Answer draft = client.send(client.request("/api/tus/").POST(BodyPublishers.ofByteArray(body))
                .header("Upload-Draft-Interop-Version", "6").header("Upload-Complete", "?1"));
        assertEquals(201, draft.status(), draft.body());
        String draftId = idOf(draft);

        for (String id : List.of(tusId, draftId)) {
            List<Received> events = receiver.awaitEvents(of(id), 2, WAIT);
            assertEquals(List.of("upload.created", "upload.completed"), events.stream().map(Received::type).toList(), id);
            assertTrue(events.stream().allMatch(Received::signatureValid));
        }
    }

    @Test
    void aRefusingPreCreateHook_makesEveryEdgeAnswer403_andCreatesNothing() throws Exception {
        receiver.answerPreCreate(body -> new Reply(200, "{\"reject\": true, \"reason\": \"Quarantined: no .exe files\"}",
                Duration.ZERO));
        long stagedBefore = stagedUploads();
        Answer refused = client.init("setup.exe", 1000, 1000);
        assertEquals(403, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("upload.rejected", refused.json().getString("code"));
        assertEquals("Quarantined: no .exe files", refused.json().getString("detail"));

        receiver.answerPreCreate(body -> new Reply(422, "{\"reason\": \"too big for you\"}", Duration.ZERO));
        Answer tus = client.send(client.request("/api/tus/").POST(BodyPublishers.noBody())
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", "10"));
        assertEquals(403, tus.status(), tus.body());
        assertEquals("upload.rejected", tus.json().getString("code"));
        assertEquals("too big for you", tus.json().getString("detail"));
        assertEquals(null, tus.header("Location"));
        Answer draft = client.send(client.request("/api/tus/").POST(BodyPublishers.ofString("12345"))
                .header("Upload-Draft-Interop-Version", "6").header("Upload-Complete", "?1"));
        assertEquals(403, draft.status(), draft.body());
        assertEquals("upload.rejected", draft.json().getString("code"));
        assertEquals(null, draft.header("Location"));

        assertEquals(stagedBefore, stagedUploads(), "nothing was staged");
        assertFalse(Files.exists(server.dataDir().resolve("blobs")) && Files.list(server.dataDir().resolve("blobs"))
                .anyMatch(p -> p.toString().contains("setup.exe")));
        assertTrue(receiver.events().stream().noneMatch(e -> e.body().getJsonObject("upload").getString("filename")
                .equals("setup.exe")), "no event of a refused upload");
    }

    @Test
    void aPreCreateHookThatDoesNotAnswerInTime_makesInitAnswer503_andCreatesNothing() throws Exception {
        receiver.answerPreCreate(body -> new Reply(204, "", Duration.ofSeconds(3)));
        Answer slow = client.init("slow.bin", 1000, 1000);
        assertEquals(503, slow.status(), slow.body());
        assertEquals("hook.unavailable", slow.json().getString("code"));
        assertTrue(slow.header("Retry-After") != null);
    }

    @Test
    void anEventRefusedUntilTheServerIsKilled_isDeliveredAfterTheRestart_withAValidSignature() throws Exception {
        receiver.answerEvents(body -> Reply.of(body.getString("type").equals("upload.completed") ? 500 : 200));
        Upload upload = client.start("crash.bin", 5, 5);
        Path file = TestFiles.random(work, "crash.bin", 5, 3);
        assertEquals(200, client.putChunk(upload, 0, file, 0, 5).status());
        assertEquals(200, client.complete(upload).status());
        // The completion is in the outbox, refused at least once: kill the server before any delivery succeeds.
        receiver.awaitEvents(of(upload.id()).and(e -> e.type().equals("upload.completed")), 1, WAIT);
        server.kill();

        receiver.answerEvents(body -> Reply.of(200));
        server.startAgain();
        List<Received> delivered = receiver.awaitEvents(of(upload.id()).and(e -> e.type().equals("upload.completed")
                && e.answeredWith() == 200), 1, WAIT);
        assertTrue(delivered.get(0).signatureValid());
        List<Received> all = receiver.events().stream().filter(of(upload.id())).toList();
        assertEquals("upload.created", all.get(0).type(), "created before completed");
        assertTrue(all.stream().filter(e -> e.type().equals("upload.completed")).map(Received::id).distinct().count() == 1,
                "one event, sent again until accepted");
    }

    private static java.util.function.Predicate<Received> of(String uploadId) {
        return e -> e.uploadId().equals(uploadId);
    }

    private static String idOf(Answer created) {
        // The upload URL's last segment is <id>.<token>.
        String location = created.header("Location");
        String segment = location.substring(location.lastIndexOf('/') + 1);
        return segment.contains(".") ? segment.substring(0, segment.indexOf('.')) : segment;
    }

    private long stagedUploads() throws java.io.IOException {
        Path staging = server.dataDir().resolve("blobs/staging");
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        try (var entries = Files.list(staging)) {
            return entries.count();
        }
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.IntegrityIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The expiry job against the real server: an idle upload expires (its staged data discarded, later calls
 * answer {@code upload.expired}), and its record is removed after the retention. Times are shortened by
 * configuration; the test polls the server's state with a deadline instead of sleeping for a fixed time.
 */
@Server(env = {"UPLOAD_TTL=PT5S", "EXPIRY_SWEEP_INTERVAL=PT1S", "EXPIRED_RETENTION=PT4S"})
class ExpiryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** How often the server's state is asked for while waiting (a polling pace, not a timing assumption). */
    private static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        server = started;
        client = connected;
    }

    @Test
    void anIdleUpload_expires_itsDataIsDiscarded_andItsRecordIsRemovedAfterTheRetention() {
        Upload upload = client.start("idle.bin", 20, 10);
        Answer chunk = client.send(client.request("/api/upload/" + upload.id() + "/chunks/0")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .PUT(BodyPublishers.ofByteArray(new byte[10])));
        assertEquals(200, chunk.status(), chunk.body());
        assertTrue(stagedFilesOf(upload) > 0, "the chunk is staged under " + stagingRoot());

        // Status answers "expired" as soon as the time is up; the job then discards the data.
        await("the expiry job discarded the staged data", () -> stagedFilesOf(upload) == 0);

        assertProblem(client.status(upload.id()), 410, "upload.expired");
        assertProblem(client.resume(upload.id()), 410, "upload.expired");
        Answer late = client.send(client.request("/api/upload/" + upload.id() + "/chunks/1")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .PUT(BodyPublishers.ofByteArray(new byte[10])));
        assertTrue(late.status() == 410 || late.status() == 404, late.toString());
        assertTrue(server.logText().contains("Uploads expired: count=1"), "the job logs what it expired");

        await("the expired record was removed", () -> client.status(upload.id()).status() == 404);
        assertProblem(client.status(upload.id()), 404, "upload.not-found");
        assertTrue(server.logText().contains("Expiry sweep: removed the records of 1 upload(s)"), server.logText());
    }

    @Test
    void anIdleTusUpload_expires_andItsUrlAnswers410_toHeadAndPatch() {
        TusCalls tus = new TusCalls(server.base());
        Answer created = tus.create(20, null);
        URI upload = tus.url(created);
        assertEquals(201, created.status(), created.body());
        assertTrue(created.header("Upload-Expires") != null, "creation tells when the upload expires");
        assertEquals(10, Long.parseLong(tus.patchBytes(upload, 0, new byte[10]).header("Upload-Offset")));

        await("the tus upload expired", () -> tus.head(upload).status() == 410);
        Answer late = tus.patchBytes(upload, 10, new byte[10]);
        assertEquals(410, late.status(), late.body());
        assertEquals("1.0.0", late.header("Tus-Resumable"));
    }

    private static Path stagingRoot() {
        return server.dataDir().resolve("blobs").resolve("staging");
    }

    private static long stagedFilesOf(Upload upload) {
        Path dir = stagingRoot().resolve(upload.id());
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.get()) {
            assertFalse(Instant.now().isAfter(deadline), "timed out waiting until " + what);
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that misbehave against the real server on the embedded default (H2 and the filesystem
 * store, whose staging directory the test can look into): a connection dropped mid-chunk, one
 * chunk sent eight times at once, a corrupted chunk under the original's Content-MD5, and
 * {@code complete} racing a chunk still in flight. Nothing of it may be recorded wrongly or left
 * behind, and each upload still completes byte-exact.
 */
@Server
class ClientFaultIT {

    private static final long MIB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofMinutes(1);
    /** The last chunk of the race test: large enough that the server streams it before it is whole. */
    private static final long LAST = 600 * 1024;

    @TempDir
    static Path work;
    static ServerProcess server;
    static UploadClient client;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        server = started;
        client = connected;
    }

    @ParameterizedTest(name = "reset={0}")
    @ValueSource(booleans = {false, true})
    void clientGoneMidChunk_theChunkIsNotRecordedNorLeftBehind_andTheRetryCompletes(boolean reset) throws Exception {
        Path file = TestFiles.random(work, "gone-" + reset + ".bin", 3 * MIB, reset ? 51 : 52);
        Upload upload = client.start("gone.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0));

        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/1 HTTP/1.1", "Upload-Token: " + upload.token(),
                    "Content-Type: application/octet-stream", "Content-Length: " + MIB);
            raw.send(bytes(file, MIB, MIB / 2));
            // Half of chunk 1 (one block) is sent: now the client goes away.
            if (reset) {
                raw.reset();
            }
        }

        assertEquals(List.of(1, 2), missing(upload));
        assertEquals(List.of(), client.resume(upload.id()).json().getJsonArray("partial_chunks"), "a part of a block was kept");
        assertEquals(List.of(), temporaryFiles(upload), "the cut chunk left a file beside the upload's data file");
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(1, 2));
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
        assertFalse(Files.exists(stagingDir(upload)), "staged data left behind after completion");
    }

    @Test
    void oneChunkSentEightTimesAtOnce_answersConsistently_recordsItOnce_andCompletesByteExact() throws Exception {
        Path file = TestFiles.random(work, "eight.bin", 3 * MIB - 7, 53);
        Upload upload = client.start("eight.bin", Files.size(file), MIB);
        CountDownLatch allHalfway = new CountDownLatch(8);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Supplier<InputStream> body = HeldBody.of(file, MIB, MIB, MIB / 2, allHalfway, go);
            answers.add(CompletableFuture.supplyAsync(() -> client.putChunk(upload.id(), upload.token(), "1", body, MIB)));
        }
        // All eight are in flight, each halfway through its body, before any of them may finish.
        assertTrue(allHalfway.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the eight requests did not all start");
        go.countDown();

        int accepted = 0;
        for (CompletableFuture<Answer> future : answers) {
            Answer answer = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (answer.status() == 200) {
                accepted++;
                assertEquals(1, answer.json().getInt("chunk_index"));
            } else {
                assertTrue(answer.status() >= 400 && answer.status() < 500, "not a clean refusal: " + answer);
                assertProblem(answer, answer.status(), answer.json().getString("code"));
            }
        }
        assertTrue(accepted >= 1, "none of the eight was accepted");
        var status = client.status(upload.id()).json();
        assertEquals(1, status.getInt("received_chunks"));
        assertEquals(List.of(blockId(1)), status.getJsonArray("block_ids").getValuesAs(JsonString::getString));
        assertEquals(List.of(0, 2), missing(upload));
        await("no temporary file left", () -> temporaryFiles(upload).isEmpty());

        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 2));
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @Test
    void aFlippedByteUnderTheOriginalsContentMd5_isRefused422_andNothingIsRecorded_thenTheRightChunkIsAccepted() throws Exception {
        Path file = TestFiles.random(work, "flip.bin", 3 * MIB, 54);
        Upload upload = client.start("flip.bin", Files.size(file), MIB);
        byte[] chunk = bytes(file, MIB, MIB);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(chunk));

        for (int position : new int[] {0, (int) MIB / 2, (int) MIB - 1}) {
            byte[] flipped = chunk.clone();
            flipped[position] ^= 0x01;
            Answer answer = client.send(client.request("/api/upload/" + upload.id() + "/chunks/1")
                    .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                    .header("Content-MD5", md5).PUT(BodyPublishers.ofByteArray(flipped)));

            assertProblem(answer, 422, "upload.checksum-mismatch");
            assertEquals(List.of(0, 1, 2), missing(upload), "a corrupted chunk (byte " + position + ") was recorded");
        }
        await("no temporary file left", () -> temporaryFiles(upload).isEmpty());

        Answer right = client.send(client.request("/api/upload/" + upload.id() + "/chunks/1")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .header("Content-MD5", md5).PUT(BodyPublishers.ofByteArray(chunk)));
        assertEquals(200, right.status(), right.body());
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 2));
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @Test
    void completeWhileTheLastChunkIsInFlight_is409Incomplete_thenAChunkAfterCompletionIs409_andTheFileStaysByteExact() throws Exception {
        Path file = TestFiles.random(work, "race.bin", 3 * MIB + LAST, 55);
        Upload upload = client.start("race.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 1, 2));
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Answer> last = CompletableFuture.supplyAsync(() -> client.putChunk(upload.id(), upload.token(), "3",
                HeldBody.of(file, 3 * MIB, LAST, LAST / 2, halfway, go), LAST));
        assertTrue(halfway.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        Answer early = client.complete(upload);
        assertProblem(early, 409, "upload.incomplete");
        assertEquals(List.of(3), early.json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        assertEquals("active", client.status(upload.id()).json().getString("state"));

        go.countDown();
        assertEquals(200, last.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
        assertEquals(200, client.complete(upload).status());

        assertProblem(client.putChunk(upload, 1, file, MIB, MIB), 409, "upload.not-active");
        assertProblem(client.postMultipartChunk(upload, 3, file, 3 * MIB, LAST), 409, "upload.not-active");
        Transfers.assertDownloadsExactly(client, upload, file);
        assertFalse(Files.exists(stagingDir(upload)), "staged data left behind after completion");
    }

    @Test
    void aResentChunkStillInFlightWhenTheUploadCompletes_is409NotActive_andTheCommittedFileIsUnchanged() throws Exception {
        Path file = TestFiles.random(work, "resent.bin", 3 * MIB, 56);
        Upload upload = client.start("resent.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));
        Path other = TestFiles.random(work, "other.bin", MIB, 57);
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        // A late resend of chunk 1 with other bytes: it must not reach the committed file.
        CompletableFuture<Answer> resend = CompletableFuture.supplyAsync(() -> client.putChunk(upload.id(), upload.token(), "1",
                HeldBody.of(other, 0, MIB, MIB / 2, halfway, go), MIB));
        assertTrue(halfway.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        assertEquals(200, client.complete(upload).status());
        go.countDown();

        // Chunk 1 was recorded before the resend began, so the resend only reads its bytes and keeps the recorded
        // ones (200), or, if its request reached the server after the completion, is refused (409).
        Answer late = resend.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (late.status() != 200) {
            assertProblem(late, 409, "upload.not-active");
        }
        assertEquals("completed", client.status(upload.id()).json().getString("state"));
        Transfers.assertDownloadsExactly(client, upload, file);
        assertFalse(Files.exists(stagingDir(upload)), "the late chunk was left behind in the staging area");
    }

    private static List<Integer> missing(Upload upload) {
        return client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
    }

    private static Path stagingDir(Upload upload) {
        return server.dataDir().resolve("blobs/staging").resolve(upload.id());
    }


    /** Files in the staging directory of {@code upload} other than its one data file: there should be none. */
    private static List<Path> temporaryFiles(Upload upload) {
        try (Stream<Path> files = Files.list(stagingDir(upload))) {
            return files.filter(f -> !f.getFileName().toString().equals("data")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean nonEmpty(Path file) {
        try {
            return Files.size(file) > 0;
        } catch (IOException e) {
            return false; // renamed or deleted meanwhile
        }
    }

    private static byte[] bytes(Path file, long offset, long length) throws IOException {
        try (InputStream in = UploadClient.slice(file, offset, length).get()) {
            return in.readAllBytes();
        }
    }

    private static String blockId(int index) {
        return Base64.getEncoder().encodeToString(String.format("block-%06d", index).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT}: server state, never a sleep guess. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob store going away while uploads are under way, the metadata store staying: a chunk in
 * flight, a new chunk and a {@code complete} of an upload whose chunks are all recorded each answer
 * 503 with {@code Retry-After}; nothing is recorded or committed meanwhile; when the store is back,
 * both uploads finish byte-exact. One subclass per blob store.
 */
abstract class BlobStoreOutageIT {

    private static final long MIB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path work;
    ServerProcess server;
    StoreEnvironment stores;

    /** Takes the blob store away. */
    protected abstract void storeGone() throws Exception;

    /** Gives it back. */
    protected abstract void storeBack() throws Exception;

    /**
     * Whether a chunk request that opened its block before the outage may still finish it: the filesystem store
     * writes through a descriptor it opened before, which moving the directory away does not reach (a lost mount
     * would). A store that opens nothing ahead (Azure) must refuse it.
     */
    protected boolean inFlightMayFinish() {
        return false;
    }

    /** Whether the blob store holds a committed file for {@code upload} (asked of the store itself). */
    protected abstract boolean committed(Upload upload) throws Exception;

    @BeforeEach
    void connect(ServerProcess started, StoreEnvironment opened) {
        server = started;
        stores = opened;
    }

    @Test
    void blobStoreGone_chunksAndComplete503WithRetryAfter_nothingRecordedOrCommitted_thenBothUploadsFinishByteExact() throws Exception {
        UploadClient client = new UploadClient(server.base());
        Path fileA = TestFiles.random(work, "a.bin", 4 * MIB + 5, 61);
        Upload a = client.start("a.bin", Files.size(fileA), MIB);
        Transfers.sendInRandomOrder(client, a, fileA, false, List.of(0, 1, 2));
        Path fileB = TestFiles.random(work, "b.bin", 2 * MIB, 62);
        Upload b = client.start("b.bin", Files.size(fileB), MIB);
        Transfers.sendInRandomOrder(client, b, fileB, false, Transfers.allChunks(b));
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(() -> client.putChunk(a.id(), a.token(), "3",
                HeldBody.of(fileA, 3 * MIB, MIB, MIB / 2, halfway, go), MIB));
        assertTrue(halfway.await(WAIT.toSeconds(), TimeUnit.SECONDS));

        storeGone();
        try {
            go.countDown();
            Answer first = inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            boolean finished = first.status() == 200 && inFlightMayFinish();
            if (!finished) {
                assertUnavailable(first);
            }
            assertUnavailable(client.putChunk(a, 4, fileA, 4 * MIB, 5));
            assertUnavailable(client.complete(b));
            assertEquals("active", client.status(b.id()).json().getString("state"), "complete changed the state during the outage");
            assertProblem(client.send(client.request("/api/files/" + b.id()).GET()), 409, "upload.not-active");
            assertEquals(finished ? List.of(4) : List.of(3, 4), missing(client, a));
        } finally {
            storeBack();
        }

        assertFalse(committed(b), "a file was committed during the outage");
        Transfers.sendInRandomOrder(client, a, fileA, false, missing(client, a));
        assertEquals(200, client.complete(a).status());
        Transfers.assertDownloadsExactly(client, a, fileA);
        Answer completeB = client.complete(b);
        assertEquals(200, completeB.status(), completeB.body());
        Transfers.assertDownloadsExactly(client, b, fileB);
        assertTrue(committed(a) && committed(b));
    }

    private static void assertUnavailable(Answer answer) {
        assertProblem(answer, 503, "store.unavailable");
        assertNotNull(answer.header("Retry-After"), "no Retry-After");
        assertTrue(Integer.parseInt(answer.header("Retry-After")) > 0);
    }

    private static List<Integer> missing(UploadClient client, Upload upload) {
        return client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
    }
}

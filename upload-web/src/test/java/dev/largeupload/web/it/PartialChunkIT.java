package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Download;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume inside a chunk: a 64 MiB chunk (eight 8 MiB blocks) whose body stops after 40 MiB keeps every whole
 * block that arrived; {@code resume} reports that durable prefix in {@code partial_chunks}, and the client
 * continues the chunk with {@code Content-Range} from there, to a byte-exact file. Once with the connection cut,
 * once with {@code kill -9} of the server. Run once per store configuration by the subclasses.
 */
abstract class PartialChunkIT {

    private static final long MIB = 1024 * 1024;
    private static final long CHUNK = 64 * MIB;
    private static final long BLOCK = 8 * MIB;
    private static final long CUT = 40 * MIB;
    private static final long SIZE = CHUNK + 5 * MIB + 123;

    @TempDir
    static Path work;

    private static Path file;

    @BeforeAll
    static void file() {
        file = TestFiles.random(work, "partial.bin", SIZE, 14);
    }

    @Test
    void aChunkCutOffAfter40MiB_resumesFromItsDurablePrefix_andTheFileIsByteExact(ServerProcess server) throws Exception {
        UploadClient client = new UploadClient(server.base());
        Upload upload = client.start("partial.bin", SIZE, CHUNK);
        assertEquals(BLOCK, client.status(upload.id()).json().getJsonNumber("block_size").longValue());

        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/0 HTTP/1.1", "Upload-Token: " + upload.token(),
                    "Content-Type: application/octet-stream", "Content-Length: " + CHUNK);
            sendPrefix(raw, CUT);
            raw.shutdownOutput();
            Answer cut = raw.answer();
            assertEquals(400, cut.status(), cut.body());
        }

        long held = durablePrefix(client, upload, 0);
        assertTrue(held >= CUT - BLOCK && held <= CUT && held % BLOCK == 0, "durable prefix " + held);
        continueAndComplete(client, upload, held);
    }

    @Test
    void aChunkStoppedAt40MiBByKillMinus9_resumesAfterTheRestart_andTheFileIsByteExact(ServerProcess server) throws Exception {
        UploadClient client = new UploadClient(server.base());
        Upload upload = client.start("killed.bin", SIZE, CHUNK);

        try (RawHttp raw = new RawHttp(server.base())) {
            raw.head("PUT /api/upload/" + upload.id() + "/chunks/0 HTTP/1.1", "Upload-Token: " + upload.token(),
                    "Content-Type: application/octet-stream", "Content-Length: " + CHUNK);
            sendPrefix(raw, CUT);
            // The connection stays open; the server records each block once it has read it whole. Liberty hands a
            // body over in buffers of a few KiB, so the block that ends exactly at the last byte sent may wait for
            // more; every block before it is durable once read.
            awaitReceived(client, upload, CUT - BLOCK, Duration.ofMinutes(2));
            server.kill();
        }
        server.startAgain();
        client = new UploadClient(server.base());

        long held = durablePrefix(client, upload, 0);
        assertTrue(held >= CUT - BLOCK && held <= CUT && held % BLOCK == 0, "durable prefix after the restart " + held);
        continueAndComplete(client, upload, held);
    }

    @Test
    void aRangeStartingPastTheDurablePrefix_is409_namingTheOffsetToContinueFrom(ServerProcess server) {
        UploadClient client = new UploadClient(server.base());
        Upload upload = client.start("offset.bin", SIZE, CHUNK);
        Answer first = client.putRange(upload, 0, file, 0, 0, BLOCK - 1, CHUNK);
        assertEquals(200, first.status(), first.body());
        assertEquals(false, first.json().getBoolean("chunk_received"));
        assertEquals(BLOCK, first.json().getJsonNumber("received_bytes").longValue());

        Answer ahead = client.putRange(upload, 0, file, 0, 2 * BLOCK, CHUNK - 1, CHUNK);
        assertEquals(409, ahead.status(), ahead.body());
        assertEquals("upload.offset-mismatch", ahead.json().getString("code"));
        assertEquals(BLOCK, ahead.json().getJsonNumber("received_bytes").longValue());

        Answer inside = client.putRange(upload, 0, file, 0, BLOCK, BLOCK + 99, CHUNK);
        assertEquals(400, inside.status(), inside.body());
        assertEquals("upload.invalid-range", inside.json().getString("code"));
        assertEquals(BLOCK, durablePrefix(client, upload, 0), "refused requests kept nothing");
    }

    /** Continues chunk 0 from {@code held}, sends chunk 1 whole, completes, and checks the download byte by byte. */
    private static void continueAndComplete(UploadClient client, Upload upload, long held) {
        Answer rest = client.putRange(upload, 0, file, 0, held, CHUNK - 1, CHUNK);
        assertEquals(200, rest.status(), rest.body());
        assertTrue(rest.json().getBoolean("chunk_received"), rest.body());
        Answer last = client.putChunk(upload, 1, file, CHUNK, SIZE - CHUNK);
        assertEquals(200, last.status(), last.body());
        Answer complete = client.complete(upload);
        assertEquals(200, complete.status(), complete.body());
        Download download = client.download(upload.id(), null);
        assertEquals(SIZE, download.length());
        assertEquals(TestFiles.sha256(file), download.sha256());
    }

    /** The durable prefix of {@code chunk} that resume and status report (0 when neither lists it as partial). */
    private static long durablePrefix(UploadClient client, Upload upload, int chunk) {
        Answer resume = client.resume(upload.id());
        assertEquals(200, resume.status(), resume.body());
        long fromResume = prefixIn(resume.json(), chunk);
        Answer status = client.status(upload.id());
        assertEquals(fromResume, prefixIn(status.json(), chunk), "status and resume agree: " + status.body());
        return fromResume;
    }

    private static long prefixIn(JsonObject answer, int chunk) {
        List<JsonObject> partial = answer.getJsonArray("partial_chunks").getValuesAs(JsonObject.class);
        return partial.stream().filter(p -> p.getInt("chunk_index") == chunk)
                .mapToLong(p -> p.getJsonNumber("received_bytes").longValue()).findFirst().orElse(0);
    }

    private static void awaitReceived(UploadClient client, Upload upload, long bytes, Duration wait) throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (client.status(upload.id()).json().getJsonNumber("received_bytes").longValue() < bytes) {
            assertTrue(Instant.now().isBefore(deadline), "the server did not record " + bytes + " bytes in " + wait);
            Thread.sleep(50);
        }
    }

    private static void sendPrefix(RawHttp raw, long bytes) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (long sent = 0; sent < bytes; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - sent));
                raw.send(n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n));
                sent += n;
            }
        }
    }
}

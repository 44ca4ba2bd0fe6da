package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Download;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole uploads through the real server: random chunk order, several in flight, byte-exact downloads. */
@Server
class UploadFlowIT {

    private static final long MIB = 1024 * 1024;

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
    void putEndpoint_randomOrderFourInFlight_downloadsByteExact() throws Exception {
        Path file = TestFiles.random(work, "put.bin", 64 * MIB + 12_345, 1);
        Upload upload = client.start("put.bin", Files.size(file), 4 * MIB);
        assertEquals(17, upload.totalChunks());

        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));
        Answer done = client.complete(upload);

        assertEquals(200, done.status(), done.body());
        assertEquals(17, done.json().getInt("blocks_count"));
        Transfers.assertDownloadsExactly(client, upload, file);
        JsonObject status = client.status(upload.id()).json();
        assertTrue(status.getBoolean("completed"));
        assertEquals(100.0, status.getJsonNumber("progress_percentage").doubleValue());
    }

    @Test
    void multipartEndpoint_randomOrderFourInFlight_downloadsByteExact() throws Exception {
        Path file = TestFiles.random(work, "multipart.bin", 24 * MIB + 7, 2);
        Upload upload = client.start("multipart.bin", Files.size(file), 2 * MIB);

        Transfers.sendInRandomOrder(client, upload, file, true, Transfers.allChunks(upload));

        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @ParameterizedTest(name = "a file of {0} bytes with 1 MiB chunks")
    @ValueSource(longs = {0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB})
    void edgeSizes_uploadAndDownloadByteExact(long size) throws Exception {
        Path file = TestFiles.random(work, "edge-" + size + ".bin", size, size);
        Upload upload = client.start("edge.bin", size, MIB);
        assertEquals((size + MIB - 1) / MIB, upload.totalChunks());

        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));

        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @Test
    void completeTwice_isIdempotent() throws Exception {
        Path file = TestFiles.random(work, "twice.bin", 3 * MIB, 3);
        Upload upload = client.start("twice.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));

        Answer first = client.complete(upload);
        Answer second = client.complete(upload);

        assertEquals(200, first.status());
        assertEquals(200, second.status());
        assertEquals(first.json().getInt("blocks_count"), second.json().getInt("blocks_count"));
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @Test
    void download_withRanges_answersThoseBytes() throws Exception {
        Path file = TestFiles.random(work, "ranges.bin", 2 * MIB + 10, 4);
        long size = Files.size(file);
        Upload upload = client.start("ranges.bin", size, MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));
        client.complete(upload);

        Download middle = client.download(upload.id(), "bytes=1048570-1048589");
        assertEquals(206, middle.status());
        assertEquals(20, middle.length());
        assertEquals(TestFiles.sha256(file, 1_048_570, 20), middle.sha256());
        assertEquals("bytes 1048570-1048589/" + size, middle.headers().get("content-range").get(0));

        Download suffix = client.download(upload.id(), "bytes=-10");
        assertEquals(TestFiles.sha256(file, size - 10, 10), suffix.sha256());
        Download open = client.download(upload.id(), "bytes=" + (size - 3) + "-");
        assertEquals(TestFiles.sha256(file, size - 3, 3), open.sha256());

        Download beyond = client.download(upload.id(), "bytes=" + size + "-");
        assertEquals(416, beyond.status());
        assertEquals("bytes */" + size, beyond.headers().get("content-range").get(0));
    }

    @Test
    void resume_listsExactlyTheMissingChunks() throws Exception {
        Path file = TestFiles.random(work, "resume.bin", 5 * MIB, 5);
        Upload upload = client.start("resume.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 3));

        JsonObject resume = client.resume(upload.id()).json();

        assertEquals(2, resume.getInt("completed_chunks"));
        assertEquals(List.of(1, 2, 4), resume.getJsonArray("missing_chunks").getValuesAs(
                (jakarta.json.JsonNumber n) -> n.intValue()));
        assertEquals(2, resume.getJsonArray("block_ids").size());
        assertEquals(40.0, resume.getJsonNumber("progress_percentage").doubleValue());
    }

    @Test
    void delete_removesTheUploadAndItsStagedData() throws Exception {
        Path file = TestFiles.random(work, "delete.bin", 2 * MIB, 6);
        Upload upload = client.start("delete.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(1));
        assertTrue(Transfers.containsPathNamed(server.dataDir().resolve("blobs"), upload.id()));

        Answer deleted = client.delete(upload);

        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(404, client.status(upload.id()).status());
        assertFalse(Transfers.containsPathNamed(server.dataDir().resolve("blobs"), upload.id()));
    }

    /** Sign-in off: {@code GET /api/uploads} lists exactly the uploads whose tokens the caller presents. */
    @Test
    void myUploads_withoutSignIn_listsExactlyThePresentedUploadsNewestFirst() {
        Upload first = client.start("first.bin", 10, 10);
        Upload second = client.start("second.bin", 10, 10);
        Upload other = client.start("other.bin", 10, 10);

        JsonObject page = client.send(client.request("/api/uploads").header("Upload-Tokens",
                first.id() + ":" + first.token() + ", " + second.id() + ":" + second.token() + ", "
                        + other.id() + ":wrong-token").GET()).json();

        List<String> ids = page.getJsonArray("items").stream()
                .map(item -> item.asJsonObject().getString("upload_id")).toList();
        assertEquals(List.of(second.id(), first.id()), ids, page.toString());
        assertFalse(page.containsKey("next_cursor"));
        assertEquals(List.of(), client.send(client.request("/api/uploads").GET()).json().getJsonArray("items"));
        JsonObject config = client.send(client.request("/api/config").GET()).json();
        assertFalse(config.getJsonObject("sign_in").getBoolean("required"));
        IntegrityIT.assertProblem(client.send(client.request("/api/uploads").header("Upload-Tokens", "nonsense").GET()),
                400, "request.invalid-header");
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.largeupload.azure.AzuriteServer;
import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with {@code BLOB_STORE=azure} (the Azure SDK) against Azurite, on a 128 MiB heap:
 * large chunks stream into blocks, the committed blob has one block per chunk in order, a wrong MD5
 * is refused, an Azure outage answers 503 and commits nothing, and the upload resumes after it.
 */
@Server(stores = Stores.AZURE, env = "JAVA_TOOL_OPTIONS=-Xmx128m -XX:+ExitOnOutOfMemoryError")
class AzureBlobIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path work;
    static AzuriteServer azurite;
    static ServerProcess server;
    static UploadClient client;
    static BlobContainerClient container;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected, StoreEnvironment stores) {
        server = started;
        client = connected;
        azurite = stores.azurite();
        container = stores.container();
    }

    @Test
    void oneGibibyteInFour256MiBChunksAllInFlight_onA128MiBHeap_committedAsItsBlocksInOrderAndDownloadsByteExact() throws Exception {
        Path file = TestFiles.random(work, "gib.bin", 1024 * MIB, 41);
        Upload upload = client.start("gib.bin", Files.size(file), 256 * MIB);

        Transfers.sendInRandomOrder(client, upload, file, false, Transfers.allChunks(upload));
        assertEquals(200, client.complete(upload).status());

        Transfers.assertDownloadsExactly(client, upload, file);
        BlockList blocks = blob(upload).listBlocks(BlockListType.ALL);
        List<String> committed = blocks.getCommittedBlocks().stream().map(b -> decode(b.getName())).toList();
        // 256 MiB chunks are 32 blocks of 8 MiB each: 128 blocks, each staged as it arrived, one attempt per chunk.
        assertEquals(128, committed.size(), committed.toString());
        for (int index = 0; index < 128; index++) {
            assertTrue(committed.get(index).matches(String.format("block-%06d-[0-9a-f]{16}", index)),
                    "block " + index + " in order: " + committed.get(index));
            String attempt = committed.get(index).substring(13);
            assertEquals(committed.get(index / 32 * 32).substring(13), attempt, "block " + index + " is its chunk's request's");
        }
        assertEquals(List.of(), blocks.getUncommittedBlocks());
        Files.delete(file);
    }

    @Test
    void chunkWithAWrongContentMd5_isRefusedAndNotRecorded() throws Exception {
        Path file = TestFiles.random(work, "md5.bin", 2 * MIB, 42);
        Upload upload = client.start("md5.bin", Files.size(file), MIB);

        Answer answer = client.send(client.request("/api/upload/" + upload.id() + "/chunks/0")
                .header("Content-Type", "application/octet-stream").header("Upload-Token", upload.token())
                .header("Content-MD5", Base64.getEncoder().encodeToString(new byte[16]))
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(UploadClient.slice(file, 0, MIB)), MIB)));

        assertProblem(answer, 422, "upload.checksum-mismatch");
        assertEquals(0, client.resume(upload.id()).json().getInt("completed_chunks"));
    }

    @Test
    void azureGoneMidUpload_answers503AndCommitsNothing_thenResumesAndCompletesByteExact() throws Exception {
        Path file = TestFiles.random(work, "outage.bin", 6 * MIB + 5, 43);
        Upload upload = client.start("outage.bin", Files.size(file), 2 * MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 2));

        azurite.stop();
        try {
            Answer chunk = client.putChunk(upload, 1, file, 2 * MIB, 2 * MIB);
            assertProblem(chunk, 503, "store.unavailable");
            assertNotNull(chunk.header("Retry-After"));
            assertProblem(client.complete(upload), 409, "upload.incomplete");
        } finally {
            azurite.restart();
        }

        assertFalse(blob(upload).exists(), "something was committed during the outage");
        List<Integer> missing = client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
        assertEquals(List.of(1, 3), missing);
        Transfers.sendInRandomOrder(client, upload, file, false, missing);
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    @Test
    void delete_discardsStagedBlocks() throws Exception {
        Path file = TestFiles.random(work, "discard.bin", 3 * MIB, 44);
        Upload upload = client.start("discard.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 1));
        assertEquals(2, blob(upload).listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks().size());

        assertEquals(200, client.delete(upload).status());

        assertFalse(blob(upload).exists());
        assertEquals(0, container.listBlobs().stream().filter(b -> b.getName().contains(upload.id())).count());
    }

    private static BlockBlobClient blob(Upload upload) {
        return container.getBlobClient(upload.id()).getBlockBlobClient();
    }

    private static String decode(String blockId) {
        return new String(Base64.getDecoder().decode(blockId), StandardCharsets.US_ASCII);
    }
}

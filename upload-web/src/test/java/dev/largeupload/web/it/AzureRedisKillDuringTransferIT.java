package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import dev.largeupload.azure.AzuriteServer;
import dev.largeupload.web.it.UploadClient.Upload;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Kills during transfers with the data in Azure block blobs (Azurite) and the state in Redis. */
class AzureRedisKillDuringTransferIT extends KillDuringTransferIT {

    static AzuriteServer azurite;
    static final String CONTAINER = "kill-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startAzurite() {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected Map<String, String> storeEnvironment() {
        return Map.of("BLOB_STORE", "azure", "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "AZURE_STORAGE_CONTAINER_NAME", CONTAINER,
                "METADATA_STORE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", "6379",
                "REDIS_KEY_PREFIX", "it:kill:" + UUID.randomUUID() + ":");
    }

    @Override
    protected void assertNothingStagedLeft(ServerProcess server, Upload upload) {
        BlockList blocks = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(CONTAINER).getBlobClient(upload.id()).getBlockBlobClient()
                .listBlocks(BlockListType.ALL);
        assertEquals(upload.totalChunks(), blocks.getCommittedBlocks().size());
        assertEquals(List.of(), blocks.getUncommittedBlocks(), "staged blocks left behind");
    }
}

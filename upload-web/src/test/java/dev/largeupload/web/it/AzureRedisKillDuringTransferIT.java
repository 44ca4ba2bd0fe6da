package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import dev.largeupload.web.it.UploadClient.Upload;
import java.util.List;

/** Kills during transfers with the data in Azure block blobs (Azurite) and the state in Redis. */
@Server(stores = Stores.AZURE_REDIS)
class AzureRedisKillDuringTransferIT extends KillDuringTransferIT {

    @Override
    protected void assertNothingStagedLeft(ServerProcess server, StoreEnvironment stores, Upload upload) {
        BlockList blocks = stores.container().getBlobClient(upload.id()).getBlockBlobClient().listBlocks(BlockListType.ALL);
        assertEquals(upload.totalChunks(), blocks.getCommittedBlocks().size());
        assertEquals(List.of(), blocks.getUncommittedBlocks(), "staged blocks left behind");
    }
}

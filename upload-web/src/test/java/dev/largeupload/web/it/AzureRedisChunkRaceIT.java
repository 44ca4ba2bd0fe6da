package dev.largeupload.web.it;

import dev.largeupload.azure.AzuriteServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ChunkRaceIT} on Azure blobs (Azurite) and Redis metadata, the stores several servers share. */
class AzureRedisChunkRaceIT extends ChunkRaceIT {

    static AzuriteServer azurite;

    @BeforeAll
    static void start() {
        azurite = AzuriteServer.start();
        startServer(Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "AZURE_STORAGE_CONTAINER_NAME", "race-" + UUID.randomUUID().toString().substring(0, 8),
                "METADATA_STORE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", "6379",
                "REDIS_KEY_PREFIX", "it:race:" + UUID.randomUUID() + ":"));
    }

    @AfterAll
    static void stopAzurite() {
        stopServer();
        if (azurite != null) {
            azurite.close();
        }
    }
}

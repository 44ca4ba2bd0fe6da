package dev.largeupload.web.it;

/** {@link ChunkRaceIT} on Azure blobs (Azurite) and Redis metadata, the stores several servers share. */
@Server(stores = Stores.AZURE_REDIS, env = "BLOCK_SIZE=" + ChunkRaceIT.BLOCK)
class AzureRedisChunkRaceIT extends ChunkRaceIT {
}

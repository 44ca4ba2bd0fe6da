package dev.largeupload.web.it;

/** {@link ChunkRaceIT} on Redis metadata and the filesystem blob store. */
@Server(stores = Stores.REDIS, env = "BLOCK_SIZE=" + ChunkRaceIT.BLOCK)
class RedisChunkRaceIT extends ChunkRaceIT {
}

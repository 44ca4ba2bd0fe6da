package dev.largeupload.web.it;

/** {@link ChunkRaceIT} on PostgreSQL metadata and the filesystem blob store. */
@Server(stores = Stores.POSTGRESQL, env = "BLOCK_SIZE=" + ChunkRaceIT.BLOCK)
class PostgresqlChunkRaceIT extends ChunkRaceIT {
}

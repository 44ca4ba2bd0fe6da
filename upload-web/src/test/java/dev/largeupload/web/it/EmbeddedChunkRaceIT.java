package dev.largeupload.web.it;

/** {@link ChunkRaceIT} on H2 and the filesystem blob store. */
@Server(stores = Stores.EMBEDDED, env = "BLOCK_SIZE=" + ChunkRaceIT.BLOCK)
class EmbeddedChunkRaceIT extends ChunkRaceIT {
}

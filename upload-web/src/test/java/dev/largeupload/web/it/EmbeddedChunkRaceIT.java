package dev.largeupload.web.it;

/** {@link ChunkRaceIT} on the embedded default: H2 and the filesystem blob store. */
@Server(stores = Stores.EMBEDDED)
class EmbeddedChunkRaceIT extends ChunkRaceIT {
}

package dev.largeupload.web.it;

/** {@link ChunkRaceIT} on the file metadata store and the filesystem blob store. */
@Server(stores = Stores.FILE, env = "BLOCK_SIZE=" + ChunkRaceIT.BLOCK)
class FileChunkRaceIT extends ChunkRaceIT {
}

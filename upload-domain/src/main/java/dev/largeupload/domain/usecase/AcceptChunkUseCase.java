package dev.largeupload.domain.usecase;

import dev.largeupload.domain.service.Results.ChunkAccepted;

/**
 * Streams one chunk (or a part of one) into the blob store block by block, and records each block with the
 * SHA-256 computed of its bytes once it is durable, so a request cut off keeps every whole block that arrived.
 * A request that carries a digest of its whole body is kept all or nothing: its blocks are recorded only
 * after every digest matched. A block already recorded is kept as it is; its bytes in a later request are
 * read and checked but not written.
 */
public interface AcceptChunkUseCase {

    ChunkAccepted acceptChunk(AcceptChunkCommand command);
}

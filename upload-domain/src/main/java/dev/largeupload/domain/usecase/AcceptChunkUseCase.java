package dev.largeupload.domain.usecase;

import dev.largeupload.domain.service.Results.ChunkAccepted;

/**
 * Streams one chunk into the blob store and records it with the SHA-256 computed of its bytes. A chunk
 * is recorded only after it was staged whole and every digest the client gave matched; otherwise nothing
 * of it is kept.
 */
public interface AcceptChunkUseCase {

    ChunkAccepted acceptChunk(AcceptChunkCommand command);
}

package dev.largeupload.domain.port;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import java.time.Instant;
import java.util.Objects;

/**
 * That chunk {@code index} arrived whole at {@code receivedAt}, staged by {@code attempt}, with the SHA-256
 * the server computed of those bytes (and checked against the client's, when one was sent), and that the
 * upload now lives until {@code expiresAt}.
 */
public record ChunkReceipt(int index, Instant receivedAt, Instant expiresAt, Sha256 sha256, StagingAttempt attempt) {

    public ChunkReceipt {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(attempt, "attempt");
        if (index < 0) {
            throw new IllegalArgumentException("negative chunk index " + index);
        }
    }

    /** What the metadata store keeps of this receipt for the chunk, together. */
    public RecordedChunk record() {
        return new RecordedChunk(sha256, attempt);
    }
}

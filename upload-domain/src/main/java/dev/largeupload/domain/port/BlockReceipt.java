package dev.largeupload.domain.port;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import java.time.Instant;
import java.util.Objects;

/**
 * That block {@code index} (of the upload's {@link dev.largeupload.domain.model.ChunkPlan}) arrived whole at
 * {@code receivedAt}, staged by {@code attempt}, with the SHA-256 the server computed of those bytes, and that
 * the upload now lives until {@code expiresAt}.
 */
public record BlockReceipt(int index, Instant receivedAt, Instant expiresAt, Sha256 sha256, StagingAttempt attempt) {

    public BlockReceipt {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(attempt, "attempt");
        if (index < 0) {
            throw new IllegalArgumentException("negative block index " + index);
        }
    }

    /** What the metadata store keeps of this receipt for the block, together. */
    public RecordedBlock record() {
        return new RecordedBlock(sha256, attempt);
    }
}

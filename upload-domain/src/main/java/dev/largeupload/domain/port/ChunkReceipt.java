package dev.largeupload.domain.port;

import dev.largeupload.domain.model.Sha256;
import java.time.Instant;
import java.util.Objects;

/**
 * That chunk {@code index} arrived whole at {@code receivedAt} with the SHA-256 the server computed
 * of its bytes (and checked against the client's, when one was sent), and that the upload now lives
 * until {@code expiresAt}.
 */
public record ChunkReceipt(int index, Instant receivedAt, Instant expiresAt, Sha256 sha256) {

    public ChunkReceipt {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(sha256, "sha256");
        if (index < 0) {
            throw new IllegalArgumentException("negative chunk index " + index);
        }
    }
}

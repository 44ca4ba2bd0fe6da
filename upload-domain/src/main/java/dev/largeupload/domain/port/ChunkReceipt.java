package dev.largeupload.domain.port;

import java.time.Instant;
import java.util.Objects;

/** That chunk {@code index} arrived whole at {@code receivedAt}, and the upload now lives until {@code expiresAt}. */
public record ChunkReceipt(int index, Instant receivedAt, Instant expiresAt) {

    public ChunkReceipt {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (index < 0) {
            throw new IllegalArgumentException("negative chunk index " + index);
        }
    }
}

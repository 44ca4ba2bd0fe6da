package dev.largeupload.domain.port;

import dev.largeupload.domain.model.StagingAttempt;
import java.util.Objects;

/**
 * The first {@code bytes} bytes of block {@code block} of an upload, held durably as one piece apart from the
 * block's staging (see {@link PieceStore}), written under {@code attempt}: what an append that ended inside a
 * block keeps, until the next append completes the block.
 */
public record PartialBlock(int block, long bytes, StagingAttempt attempt) {

    public PartialBlock {
        Objects.requireNonNull(attempt, "attempt");
        if (block < 0 || bytes < 1) {
            throw new IllegalArgumentException("a partial block needs an index of 0 or more and 1 byte or more: "
                    + block + "/" + bytes);
        }
    }
}

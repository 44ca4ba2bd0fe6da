package dev.largeupload.domain.port;

import java.util.Objects;
import java.util.Optional;

/** A committed blob: its size, and its SHA-256 where the store computed it while committing. */
public record CommittedBlob(long size, Optional<String> sha256) {

    public CommittedBlob {
        Objects.requireNonNull(sha256, "sha256");
    }
}

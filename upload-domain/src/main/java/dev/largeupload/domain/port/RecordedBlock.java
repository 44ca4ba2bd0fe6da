package dev.largeupload.domain.port;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import java.util.Objects;

/**
 * What the metadata store keeps of a received block: the SHA-256 of the bytes that {@code attempt}
 * staged. The two are recorded and replaced together, so the digest always belongs to the attempt's
 * bytes; a block recorded before attempts existed has {@link StagingAttempt#LEGACY}.
 */
public record RecordedBlock(Sha256 sha256, StagingAttempt attempt) {

    public RecordedBlock {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(attempt, "attempt");
    }
}

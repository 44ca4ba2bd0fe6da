package dev.largeupload.domain.service;

import dev.largeupload.domain.model.Sha256;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client may ask {@link UploadService#complete} to check before committing.
 *
 * @param sha256          the SHA-256 of the whole file (checked by stores that compute it while committing)
 * @param compositeSha256 the SHA-256 over the chunks' SHA-256 digests, raw, in chunk order (always checked)
 */
public record CompletionRequest(Optional<Sha256> sha256, Optional<Sha256> compositeSha256) {

    /** Nothing to check beyond what the upload already knows. */
    public static final CompletionRequest NONE = new CompletionRequest(Optional.empty(), Optional.empty());

    public CompletionRequest {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(compositeSha256, "compositeSha256");
    }
}

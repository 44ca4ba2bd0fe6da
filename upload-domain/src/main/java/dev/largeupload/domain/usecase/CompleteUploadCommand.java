package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.CompletionRequest;
import java.util.Objects;

/**
 * A request to commit an upload.
 *
 * @param id     the upload
 * @param token  the upload token the client presented, or {@code null} when it sent none
 * @param checks the digests the client asks to be checked before anything is committed
 */
public record CompleteUploadCommand(UploadId id, String token, CompletionRequest checks) {

    public CompleteUploadCommand {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(checks, "checks");
    }
}

package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import java.util.Objects;

/**
 * A request to abort an upload, or to delete a completed one.
 *
 * @param id    the upload
 * @param token the upload token the client presented, or {@code null} when it sent none
 */
public record AbortUploadCommand(UploadId id, String token) {

    public AbortUploadCommand {
        Objects.requireNonNull(id, "id");
    }
}

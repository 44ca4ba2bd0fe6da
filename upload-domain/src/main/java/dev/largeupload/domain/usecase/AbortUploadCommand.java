package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import java.util.Objects;

/**
 * A request to abort an upload, or to delete a completed one.
 *
 * @param id    the upload
 * @param token the upload token the client presented, or {@code null} when it sent none
 * @param byAdministrator whether a signed-in administrator asks (verified by the edge): it deletes any upload
 *              without its token
 */
public record AbortUploadCommand(UploadId id, String token, boolean byAdministrator) {

    public AbortUploadCommand {
        Objects.requireNonNull(id, "id");
    }

    /** A request by whoever holds the upload's token. */
    public AbortUploadCommand(UploadId id, String token) {
        this(id, token, false);
    }
}

package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import java.util.Objects;

/** Where the client of direct upload {@code id} (proving it with {@code token}) is to stage chunk {@code index}. */
public record StagingTargetCommand(UploadId id, String token, long index) {

    public StagingTargetCommand {
        Objects.requireNonNull(id, "id");
    }
}

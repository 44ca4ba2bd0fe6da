package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;

/** Reads an upload as it stands. No token is needed, and nothing changes. */
public interface UploadStatusUseCase {

    /** @throws dev.largeupload.domain.error.UploadException.NotFound or {@code Expired} */
    UploadSession status(UploadId id);
}

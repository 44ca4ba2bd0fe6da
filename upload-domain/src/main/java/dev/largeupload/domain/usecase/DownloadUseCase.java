package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.Download;

/** Opens a completed upload's file, to be read whole or by byte range. */
public interface DownloadUseCase {

    /** @throws dev.largeupload.domain.error.UploadException.NotActive if the upload is not completed */
    Download download(UploadId id);
}

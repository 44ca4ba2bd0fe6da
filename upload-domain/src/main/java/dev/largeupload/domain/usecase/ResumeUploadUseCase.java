package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;

/** Reads an upload for a client that wants to send what is missing. Nothing changes. */
public interface ResumeUploadUseCase {

    UploadSession resume(UploadId id);
}

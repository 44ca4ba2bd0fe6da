package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadSession;

/**
 * Aborts an upload, or deletes a completed one: its data and its record are removed. If a store fails
 * halfway, the upload stays aborted and a repeated call finishes the job.
 */
public interface AbortUploadUseCase {

    /** @return the upload as it stood just before this call */
    UploadSession abort(AbortUploadCommand command);
}

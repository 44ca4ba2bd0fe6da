package dev.largeupload.domain.usecase;

import dev.largeupload.domain.service.Results.Completed;

/**
 * Commits an upload once every chunk has arrived and the client's digests match; one caller commits,
 * however many try at once. Repeating it after success answers the same, checking the digests again.
 */
public interface CompleteUploadUseCase {

    Completed complete(CompleteUploadCommand command);
}

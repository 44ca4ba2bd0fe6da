package dev.largeupload.domain.usecase;

import dev.largeupload.domain.service.Results.ChunkTargets;

/**
 * Grants the client of a direct upload the staging of one chunk straight into the blob storage: one target per
 * block of the chunk. Nothing is recorded: the server learns what was staged from the storage when the upload's
 * status, resume or completion is asked for.
 */
public interface StagingTargetUseCase {

    /**
     * @throws dev.largeupload.domain.error.UploadException.NotFound without the upload's token
     * @throws dev.largeupload.domain.error.UploadException.WrongTransfer if the upload goes through this server
     * @throws dev.largeupload.domain.error.UploadException.NotActive if it is completing, completed or aborted
     * @throws dev.largeupload.domain.error.UploadException.Expired if it expired
     * @throws dev.largeupload.domain.error.UploadException.ChunkOutOfRange if the index is outside the plan
     */
    ChunkTargets target(StagingTargetCommand command);
}

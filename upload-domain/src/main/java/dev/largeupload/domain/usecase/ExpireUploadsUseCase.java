package dev.largeupload.domain.usecase;

import dev.largeupload.domain.service.UploadService.SweepResult;

/**
 * The scheduler's use case: one round of the periodic clean-up. Safe to run on every server at once;
 * each idle upload is expired by exactly one caller.
 */
public interface ExpireUploadsUseCase {

    /**
     * Expires up to {@code limit} idle uploads and removes up to {@code limit} records of uploads that ended
     * longer than the retention ago.
     */
    SweepResult sweep(int limit);
}

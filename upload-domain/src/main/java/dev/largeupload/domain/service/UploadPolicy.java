package dev.largeupload.domain.service;

import dev.largeupload.domain.model.ChunkPlan;
import java.time.Duration;
import java.util.Objects;

/**
 * The rules an operator sets for uploads.
 *
 * @param defaultChunkSize chunk size used when a client asks for none
 * @param maxChunkSize     the largest chunk size a client may ask for, and a plan may grow to
 * @param maxFileSize      the largest file accepted (at most {@link ChunkPlan#MAX_FILE_SIZE})
 * @param uploadTtl        how long an upload may stay idle before it expires
 * @param requireToken     whether writes must present the upload's token (off only for clients written for the Python service)
 * @param completionLease  how long a completion may stay in progress before another caller may take it over
 *                         (the server that began it having crashed)
 * @param maxActiveUploads how many uploads may be in progress at once (0: no limit)
 * @param finishedRetention how long the record of an expired upload is kept, so that it answers "expired",
 *                         before a sweep removes it
 * @param minBlockSize     the smallest block a plan has (blocks grow with the file; see {@link ChunkPlan})
 */
public record UploadPolicy(long defaultChunkSize, long maxChunkSize, long maxFileSize, Duration uploadTtl,
                           boolean requireToken, Duration completionLease, int maxActiveUploads,
                           Duration finishedRetention, long minBlockSize) {

    /** A policy whose plans have blocks of at least {@link ChunkPlan#DEFAULT_MIN_BLOCK_SIZE}. */
    public UploadPolicy(long defaultChunkSize, long maxChunkSize, long maxFileSize, Duration uploadTtl,
                        boolean requireToken, Duration completionLease, int maxActiveUploads,
                        Duration finishedRetention) {
        this(defaultChunkSize, maxChunkSize, maxFileSize, uploadTtl, requireToken, completionLease, maxActiveUploads,
                finishedRetention, ChunkPlan.DEFAULT_MIN_BLOCK_SIZE);
    }

    /** A policy with Azure's chunk size cap, no cap on active uploads, and expired records kept for 7 days. */
    public UploadPolicy(long defaultChunkSize, long maxFileSize, Duration uploadTtl, boolean requireToken,
                        Duration completionLease) {
        this(defaultChunkSize, ChunkPlan.MAX_CHUNK_SIZE, maxFileSize, uploadTtl, requireToken, completionLease, 0,
                Duration.ofDays(7));
    }

    public UploadPolicy {
        if (maxChunkSize < 1 || maxChunkSize > ChunkPlan.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("max chunk size must be 1.." + ChunkPlan.MAX_CHUNK_SIZE);
        }
        if (defaultChunkSize < 1 || defaultChunkSize > maxChunkSize) {
            throw new IllegalArgumentException("default chunk size must be 1.." + maxChunkSize);
        }
        if (maxFileSize < 0 || maxFileSize > ChunkPlan.MAX_FILE_SIZE) {
            throw new IllegalArgumentException("max file size must be 0.." + ChunkPlan.MAX_FILE_SIZE);
        }
        Objects.requireNonNull(uploadTtl, "uploadTtl");
        Objects.requireNonNull(completionLease, "completionLease");
        if (uploadTtl.isNegative() || uploadTtl.isZero()) {
            throw new IllegalArgumentException("upload TTL must be positive");
        }
        if (completionLease.isNegative() || completionLease.isZero()) {
            throw new IllegalArgumentException("completion lease must be positive");
        }
        if (maxActiveUploads < 0) {
            throw new IllegalArgumentException("max active uploads must be 0 (no limit) or more");
        }
        Objects.requireNonNull(finishedRetention, "finishedRetention");
        if (finishedRetention.isNegative()) {
            throw new IllegalArgumentException("finished retention must not be negative");
        }
        if (minBlockSize < 1 || minBlockSize > ChunkPlan.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("the smallest block must be 1.." + ChunkPlan.MAX_CHUNK_SIZE + " bytes");
        }
    }
}

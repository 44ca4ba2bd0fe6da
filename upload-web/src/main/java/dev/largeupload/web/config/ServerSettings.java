package dev.largeupload.web.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's configuration, read once at start from MicroProfile Config (environment variables
 * keep the names of the Python service it replaces) and validated. Nothing else in the application reads configuration.
 */
public record ServerSettings(
        int port,
        Path dataDir,
        long chunkSize,
        long maxFileSize,
        int maxConcurrentChunks,
        Duration uploadTtl,
        boolean requireUploadToken,
        MetadataStoreKind metadataStore,
        BlobStoreKind blobStore,
        Limits limits) {

    /**
     * The limits and clocks of the upload life cycle.
     *
     * @param maxChunkSize      the largest chunk a client may ask for (at most Azure's block cap)
     * @param maxActiveUploads  how many uploads may be in progress at once, 0 for no limit
     * @param completionLease   how long a completion may stay in progress before another server may take it over
     * @param expiredRetention  how long an expired upload's record answers "expired" before it is removed
     * @param sweepInterval     how often the expiry job runs
     * @param minBlockSize      the smallest block a plan has: the unit made durable while a chunk streams in
     * @param directSasTtl      how long a direct transfer's staging target (its SAS) is valid at most
     */
    public record Limits(long maxChunkSize, int maxActiveUploads, Duration completionLease, Duration expiredRetention,
                         Duration sweepInterval, long minBlockSize, Duration directSasTtl) {
    }

    /** Which {@code MetadataStore} runs. */
    public enum MetadataStoreKind { H2, POSTGRESQL, REDIS, FILE }

    /** Which {@code BlobStore} runs. */
    public enum BlobStoreKind { FILESYSTEM, AZURE }
}

package dev.largeupload.web.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's configuration, read once at start from MicroProfile Config (environment variables
 * keep the seed's names) and validated. Nothing else in the application reads configuration.
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
        BlobStoreKind blobStore) {

    /** Which {@code MetadataStore} runs. */
    public enum MetadataStoreKind { H2, POSTGRESQL, REDIS, FILE }

    /** Which {@code BlobStore} runs. */
    public enum BlobStoreKind { FILESYSTEM, AZURE }
}

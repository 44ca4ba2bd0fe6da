package dev.largeupload.web.edge.rest;

import java.util.List;

/**
 * The JSON answers of the API, as records. Field names are written in snake_case by
 * {@link JsonbConfiguration}, which keeps the Python service's shapes ({@code upload_id}, {@code chunk_size} …).
 */
public final class Dtos {

    private Dtos() {
    }

    public record InitResponse(String uploadId, String filename, long fileSize, long chunkSize, int totalChunks,
                        String uploadToken, String expiresAt, long blockSize, String message) {
    }

    /** {@code receivedBytes}: how many bytes at the start of this chunk the server holds; {@code sha256}: null when unknown. */
    public record ChunkResponse(int chunkIndex, String blockId, int receivedChunks, int totalChunks,
                         double progressPercentage, String sha256, long receivedBytes, boolean chunkReceived,
                         String message) {
    }

    /** A chunk of which only the first {@code receivedBytes} are held: a client continues it from there. */
    public record PartialChunk(int chunkIndex, long receivedBytes) {
    }

    public record CompleteResponse(String uploadId, String filename, long fileSize, int blocksCount, String sha256,
                            String compositeSha256, String downloadUrl, String message) {
    }

    public record StatusResponse(String uploadId, String filename, String contentType, long fileSize, long chunkSize,
                          int totalChunks, int receivedChunks, long uploadedBytes, List<String> blockIds,
                          double progressPercentage, boolean completed, String state, String timestamp,
                          String createdAt, String expiresAt, long blockSize, long receivedBytes,
                          List<PartialChunk> partialChunks) {
    }

    public record ResumeResponse(String uploadId, String filename, long fileSize, long chunkSize, int totalChunks,
                          int completedChunks, List<String> blockIds, List<Integer> missingChunks,
                          long uploadedBytes, double progressPercentage, boolean completed, String state,
                          String message, long blockSize, long receivedBytes, List<PartialChunk> partialChunks) {
    }

    public record DeleteResponse(String uploadId, String message) {
    }

    public record ConfigResponse(long chunkSize, long maxFileSize, int maxConcurrentChunks, long maxChunkSize, int maxBlocks,
                          boolean uploadTokenRequired, String uploadTokenHeader, long uploadTtlSeconds,
                          List<String> chunkDigestHeaders, int maxActiveUploads, long minBlockSize,
                          SignInView signIn, QuotaView quota) {
    }

    /** Whether writes need a bearer token, and who the caller is when signed in. */
    public record SignInView(boolean required, String subject, Boolean admin) {
    }

    /**
     * The quota of each signed-in subject (0: none) and, for a signed-in caller, its use now: active uploads and
     * the bytes they declare.
     */
    public record QuotaView(int activeUploads, long activeBytes, Integer usedUploads, Long usedBytes) {
    }

    /**
     * One upload in {@code GET /api/uploads}. {@code file_size} is absent while the length is deferred;
     * {@code sha256} (the whole file's, verified at completion when the client declared it) and
     * {@code download_url} only for a completed upload; {@code expires_at} only for one not completed;
     * {@code owner} only for an administrator. {@code composite_sha256} is reserved (not kept yet).
     */
    public record UploadItem(String uploadId, String filename, Long fileSize, String state, String createdAt,
                             String updatedAt, long receivedBytes, double progressPercentage, String sha256,
                             String compositeSha256, String downloadUrl, String expiresAt, String owner) {
    }

    /** A page of {@code GET /api/uploads}: {@code next_cursor} is absent on the last page. */
    public record UploadList(List<UploadItem> items, String nextCursor) {
    }
}

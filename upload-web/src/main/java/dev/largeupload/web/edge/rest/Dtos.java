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
                        String uploadToken, String expiresAt, String message) {
    }

    public record ChunkResponse(int chunkIndex, String blockId, int receivedChunks, int totalChunks,
                         double progressPercentage, String sha256, String message) {
    }

    public record CompleteResponse(String uploadId, String filename, long fileSize, int blocksCount, String sha256,
                            String compositeSha256, String downloadUrl, String message) {
    }

    public record StatusResponse(String uploadId, String filename, String contentType, long fileSize, long chunkSize,
                          int totalChunks, int receivedChunks, long uploadedBytes, List<String> blockIds,
                          double progressPercentage, boolean completed, String state, String timestamp,
                          String createdAt, String expiresAt) {
    }

    public record ResumeResponse(String uploadId, String filename, long fileSize, long chunkSize, int totalChunks,
                          int completedChunks, List<String> blockIds, List<Integer> missingChunks,
                          long uploadedBytes, double progressPercentage, boolean completed, String state,
                          String message) {
    }

    public record DeleteResponse(String uploadId, String message) {
    }

    public record ConfigResponse(long chunkSize, long maxFileSize, int maxConcurrentChunks, long maxChunkSize, int maxBlocks,
                          boolean uploadTokenRequired, String uploadTokenHeader, long uploadTtlSeconds,
                          List<String> chunkDigestHeaders, int maxActiveUploads) {
    }
}

package dev.largeupload.web.edge.rest;

import java.util.List;
import java.util.Map;

/**
 * The JSON answers of the API, as records. Field names are written in snake_case by
 * {@link JsonbConfiguration}, which keeps the Python service's shapes ({@code upload_id}, {@code chunk_size} …).
 */
public final class Dtos {

    private Dtos() {
    }

    /** {@code transfer}: {@code proxy} or {@code direct}, as the upload was started. */
    public record InitResponse(String uploadId, String filename, long fileSize, long chunkSize, int totalChunks,
                        String uploadToken, String expiresAt, long blockSize, String transfer, String message) {
    }

    /**
     * Where to stage chunk {@code chunkIndex} of a direct upload: {@code blocks}, one per block of the chunk (the
     * client PUTs each block's bytes to its {@code url} with its own {@code Content-MD5} and the {@code headers}).
     * {@code method}, {@code url} and {@code headers} at the top are those of the chunk's first block; every
     * block's URL expires at {@code expiresAt}.
     */
    public record TargetResponse(String uploadId, int chunkIndex, String method, String url, Map<String, String> headers,
                          String expiresAt, long blockSize, List<BlockTarget> blocks) {
    }

    /**
     * One block of a chunk: block {@code blockIndex} of the file's plan, with Azure block id {@code blockId}, bytes
     * {@code offset} to {@code offset + length} of the file ({@code chunkOffset} from the chunk's start).
     */
    public record BlockTarget(int blockIndex, String blockId, long offset, long chunkOffset, long length, String url) {
    }

    /**
     * Who verified which digest of an upload: {@code server} (this server computed it from the bytes),
     * {@code azure} (Azure checked the client's Content-MD5 of each block before keeping it), {@code none}
     * (nobody: not asked for, or not available in this mode).
     */
    public record Verification(String blockMd5, String blockSha256, String compositeSha256, String sha256) {
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
                            String compositeSha256, String downloadUrl, String transfer, Verification verification,
                            String message) {
    }

    public record StatusResponse(String uploadId, String filename, String contentType, long fileSize, long chunkSize,
                          int totalChunks, int receivedChunks, long uploadedBytes, List<String> blockIds,
                          double progressPercentage, boolean completed, String state, String timestamp,
                          String createdAt, String expiresAt, long blockSize, long receivedBytes,
                          List<PartialChunk> partialChunks, String transfer, Verification verification) {
    }

    public record ResumeResponse(String uploadId, String filename, long fileSize, long chunkSize, int totalChunks,
                          int completedChunks, List<String> blockIds, List<Integer> missingChunks,
                          long uploadedBytes, double progressPercentage, boolean completed, String state,
                          String message, long blockSize, long receivedBytes, List<PartialChunk> partialChunks,
                          String transfer, Verification verification) {
    }

    public record DeleteResponse(String uploadId, String message) {
    }

    public record ConfigResponse(long chunkSize, long maxFileSize, int maxConcurrentChunks, long maxChunkSize, int maxBlocks,
                          boolean uploadTokenRequired, String uploadTokenHeader, long uploadTtlSeconds,
                          List<String> chunkDigestHeaders, int maxActiveUploads, long minBlockSize,
                          List<String> transferModes, long directSasTtlSeconds, SignInView signIn, QuotaView quota) {
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

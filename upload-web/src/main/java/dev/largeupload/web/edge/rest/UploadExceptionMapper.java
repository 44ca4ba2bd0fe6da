package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.Forbidden;
import dev.largeupload.domain.error.UploadException.NotConcatenable;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.LengthMismatch;
import dev.largeupload.domain.error.UploadException.OffsetConflict;
import dev.largeupload.domain.error.UploadException.OffsetMismatch;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.QuotaExceeded;
import dev.largeupload.domain.error.UploadException.TooManyUploads;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.error.UploadException.TransferUnavailable;
import dev.largeupload.domain.error.UploadException.WrongTransfer;
import dev.largeupload.web.http.Problem;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps each domain failure to its HTTP status and a problem document carrying its stable code. */
public class UploadExceptionMapper implements ExceptionMapper<UploadException> {

    private static final Logger LOG = Logger.getLogger(UploadExceptionMapper.class.getName());
    /** When a client refused for the active-upload cap may try again: uploads end by the minute, not the second. */
    private static final int TOO_MANY_UPLOADS_RETRY_SECONDS = 60;
    /** When a client may try again after the pre-create hook did not answer. */
    public static final int HOOK_UNAVAILABLE_RETRY_SECONDS = 5;

    @Context
    UriInfo uri;

    @Override
    public Response toResponse(UploadException e) {
        Problem problem = Problem.of(status(e), e.code(), title(e), e.getMessage()).instance(Problem.path(uri));
        if (e instanceof Incomplete incomplete) {
            problem.with("missing_chunks", incomplete.missingChunks());
        } else if (e instanceof StoreUnavailable unavailable) {
            LOG.log(Level.WARNING, "store unavailable: " + e.getMessage(), e.getCause());
            problem.retryAfter(unavailable.retryAfterSeconds());
        } else if (e instanceof ChunkOutOfRange range) {
            problem.with("total_chunks", range.chunkCount());
        } else if (e instanceof ChunkLengthMismatch mismatch) {
            problem.with("expected_length", mismatch.expected());
        } else if (e instanceof TooLarge tooLarge) {
            problem.with("limit", tooLarge.limit());
        } else if (e instanceof TooManyUploads) {
            problem.retryAfter(TOO_MANY_UPLOADS_RETRY_SECONDS);
        } else if (e instanceof UploadException.HookUnavailable) {
            LOG.log(Level.WARNING, "pre-create hook unavailable: " + e.getMessage(), e.getCause());
            problem.retryAfter(HOOK_UNAVAILABLE_RETRY_SECONDS);
        } else if (e instanceof QuotaExceeded quota) {
            problem.with("quota", quota.limit().key()).with("limit", quota.value()).with("used", quota.used());
        } else if (e instanceof OffsetMismatch offset) {
            problem.with("chunk_index", offset.chunkIndex()).with("received_bytes", offset.receivedBytes());
        }
        return problem.toResponse();
    }

    /** The HTTP status and title of each kind of failure. */
    private record Kind(int status, String title) {
    }

    private static final Map<Class<? extends UploadException>, Kind> KINDS = Map.ofEntries(
            Map.entry(InvalidArgument.class, new Kind(400, "Invalid request")),
            Map.entry(ChunkOutOfRange.class, new Kind(400, "Chunk index out of range")),
            Map.entry(ChunkLengthMismatch.class, new Kind(400, "Chunk length mismatch")),
            Map.entry(LengthMismatch.class, new Kind(400, "Length mismatch")),
            Map.entry(TransferInterrupted.class, new Kind(400, "Transfer interrupted")),
            Map.entry(NotConcatenable.class, new Kind(400, "Not concatenable")),
            Map.entry(TransferUnavailable.class, new Kind(400, "Transfer mode unavailable")),
            Map.entry(Forbidden.class, new Kind(403, "Forbidden")),
            Map.entry(UploadException.Rejected.class, new Kind(403, "Upload rejected")),
            Map.entry(UploadException.HookUnavailable.class, new Kind(503, "Hook unavailable")),
            Map.entry(NotFound.class, new Kind(404, "Upload not found")),
            Map.entry(Incomplete.class, new Kind(409, "Upload incomplete")),
            Map.entry(NotActive.class, new Kind(409, "Upload not active")),
            Map.entry(OffsetMismatch.class, new Kind(409, "Offset mismatch")),
            Map.entry(OffsetConflict.class, new Kind(409, "Offset conflict")),
            Map.entry(WrongTransfer.class, new Kind(409, "Wrong transfer mode")),
            Map.entry(Expired.class, new Kind(410, "Upload expired")),
            Map.entry(TooLarge.class, new Kind(413, "Too large")),
            Map.entry(ChecksumMismatch.class, new Kind(422, "Checksum mismatch")),
            Map.entry(TooManyUploads.class, new Kind(429, "Too many uploads in progress")),
            Map.entry(QuotaExceeded.class, new Kind(429, "Quota exceeded")),
            Map.entry(StoreUnavailable.class, new Kind(503, "Storage temporarily unavailable")));

    static int status(UploadException e) {
        if (e instanceof TransferInterrupted interrupted && interrupted.timedOut()) {
            return 408;
        }
        if (e instanceof QuotaExceeded quota && quota.limit() == QuotaExceeded.Limit.BYTES) {
            return 413;
        }
        return kind(e).status();
    }

    private static String title(UploadException e) {
        return kind(e).title();
    }

    private static Kind kind(UploadException e) {
        return KINDS.getOrDefault(e.getClass(), new Kind(400, "Invalid request"));
    }

    static Object kindOf(Class<?> type) {
        return KINDS.get(type);
    }

}

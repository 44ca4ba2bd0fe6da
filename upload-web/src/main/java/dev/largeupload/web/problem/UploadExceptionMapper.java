package dev.largeupload.web.problem;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps each domain failure to its HTTP status and a problem document carrying its stable code. */
@Provider
public class UploadExceptionMapper implements ExceptionMapper<UploadException> {

    private static final Logger LOG = Logger.getLogger(UploadExceptionMapper.class.getName());

    @Context
    UriInfo uri;

    @Override
    public Response toResponse(UploadException e) {
        Problem problem = Problem.of(status(e), e.code(), title(e), e.getMessage()).instance(path());
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
        }
        return problem.toResponse();
    }

    static int status(UploadException e) {
        if (e instanceof NotFound) {
            return 404;
        } else if (e instanceof Expired) {
            return 410;
        } else if (e instanceof Incomplete || e instanceof NotActive) {
            return 409;
        } else if (e instanceof TooLarge) {
            return 413;
        } else if (e instanceof StoreUnavailable) {
            return 503;
        } else if (e instanceof TransferInterrupted interrupted) {
            return interrupted.timedOut() ? 408 : 400;
        } else if (e instanceof ChecksumMismatch) {
            return 422;
        } else if (e instanceof InvalidArgument || e instanceof ChunkOutOfRange || e instanceof ChunkLengthMismatch) {
            return 400;
        }
        return 400;
    }

    private static String title(UploadException e) {
        if (e instanceof NotFound) {
            return "Upload not found";
        } else if (e instanceof Expired) {
            return "Upload expired";
        } else if (e instanceof Incomplete) {
            return "Upload incomplete";
        } else if (e instanceof NotActive) {
            return "Upload not active";
        } else if (e instanceof TooLarge) {
            return "Too large";
        } else if (e instanceof StoreUnavailable) {
            return "Storage temporarily unavailable";
        } else if (e instanceof TransferInterrupted) {
            return "Transfer interrupted";
        } else if (e instanceof ChecksumMismatch) {
            return "Checksum mismatch";
        } else if (e instanceof ChunkOutOfRange) {
            return "Chunk index out of range";
        } else if (e instanceof ChunkLengthMismatch) {
            return "Chunk length mismatch";
        }
        return "Invalid request";
    }

    private String path() {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}

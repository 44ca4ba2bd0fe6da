package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Forbidden;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.OffsetConflict;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.QuotaExceeded;
import dev.largeupload.domain.error.UploadException.TooManyUploads;
import dev.largeupload.domain.error.UploadException.WrongTransfer;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.http.Problem;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Maps each domain failure to the status tus gives it (409 for an offset that is not the upload's, 460 for a
 * checksum mismatch, 413 past the size, 404 for an unknown upload or a wrong token, 410 for an expired one, 403 for
 * what a concatenation or its parts do not allow, 400 for a part that cannot be concatenated), with
 * the problem document of the native API (its stable code) as the body. A request of the IETF draft is answered as
 * the draft says instead ({@link IetfDraftProblems}).
 */
public class TusExceptionMapper implements ExceptionMapper<UploadException> {

    private static final Logger LOG = Logger.getLogger(TusExceptionMapper.class.getName());

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @Override
    public Response toResponse(UploadException e) {
        if (headers != null && headers.getHeaderString(IetfDraft.INTEROP_VERSION) != null
                && headers.getHeaderString(Tus.RESUMABLE) == null) {
            return IetfDraftProblems.toResponse(e, headers, Problem.path(uri), maxFileSize());
        }
        int status = status(e);
        Problem problem = Problem.of(status, e.code(), title(status), e.getMessage()).instance(Problem.path(uri));
        if (e instanceof StoreUnavailable unavailable) {
            LOG.log(Level.WARNING, "store unavailable: " + e.getMessage(), e.getCause());
            problem.retryAfter(unavailable.retryAfterSeconds());
        } else if (e instanceof OffsetConflict conflict && conflict.durableOffset() >= 0) {
            problem.with("upload_offset", conflict.durableOffset());
        } else if (e instanceof TooManyUploads) {
            problem.retryAfter(60);
        } else if (e instanceof UploadException.HookUnavailable) {
            problem.retryAfter(5);
        } else if (e instanceof QuotaExceeded quota) {
            problem.with("quota", quota.limit().key()).with("limit", quota.value()).with("used", quota.used());
        }
        return problem.toResponse();
    }

    /**
     * The largest file, for the draft's {@code Upload-Limit}; looked up in CDI as a provider is built by JAX-RS, not by
     * CDI (its {@code @Inject} fields stay empty on Liberty). -1 when there is none.
     */
    private static long maxFileSize() {
        try {
            return CDI.current().select(ServerSettings.class).get().maxFileSize();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    static int status(UploadException e) {
        if (e instanceof OffsetConflict || e instanceof NotActive || e instanceof Incomplete || e instanceof WrongTransfer) {
            return 409;
        }
        if (e instanceof Forbidden || e instanceof UploadException.Rejected) {
            return 403;
        }
        if (e instanceof ChecksumMismatch) {
            return Tus.CHECKSUM_MISMATCH;
        }
        if (e instanceof TooLarge) {
            return 413;
        }
        if (e instanceof NotFound) {
            return 404;
        }
        if (e instanceof Expired) {
            return 410;
        }
        if (e instanceof TransferInterrupted interrupted) {
            return interrupted.timedOut() ? 408 : 400;
        }
        if (e instanceof TooManyUploads) {
            return 429;
        }
        if (e instanceof QuotaExceeded quota) {
            return quota.limit() == QuotaExceeded.Limit.BYTES ? 413 : 429;
        }
        if (e instanceof StoreUnavailable || e instanceof UploadException.HookUnavailable) {
            return 503;
        }
        return 400;
    }

    static String title(int status) {
        return switch (status) {
            case 403 -> "Forbidden";
            case 404 -> "Upload not found";
            case 409 -> "Conflict";
            case 410 -> "Upload expired";
            case 413 -> "Too large";
            case Tus.CHECKSUM_MISMATCH -> "Checksum mismatch";
            case 429 -> "Too many uploads in progress";
            case 503 -> "Storage temporarily unavailable";
            default -> "Invalid request";
        };
    }
}

package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.LengthMismatch;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.OffsetConflict;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TooManyUploads;
import dev.largeupload.web.http.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The domain's failures as the IETF draft answers them: 409 with the upload's {@code Upload-Offset} and the
 * {@code mismatching-upload-offset} problem type ({@code expected-offset}, {@code provided-offset}) for an append
 * at another offset, 400 {@code inconsistent-upload-length} for a length that is not the upload's, 400
 * {@code completed-upload} for an append to an upload that accepts no more, 400 for a {@code Content-Digest} that
 * does not match, 413 with {@code Upload-Limit} past the largest file; the rest as on the tus edge. Each body keeps the stable {@code code} of the native API.
 */
final class IetfDraftProblems {

    private static final Logger LOG = Logger.getLogger(IetfDraftProblems.class.getName());

    private IetfDraftProblems() {
    }

    /** @param maxSize the largest file, for the {@code Upload-Limit} of a 413 (-1: unknown, and the header left out) */
    static Response toResponse(UploadException e, HttpHeaders headers, String instance, long maxSize) {
        int status = e instanceof LengthMismatch || e instanceof NotActive || e instanceof ChecksumMismatch ? 400
                : TusExceptionMapper.status(e);
        Problem problem = Problem.of(status, e.code(), TusExceptionMapper.title(status), e.getMessage()).instance(instance);
        if (e instanceof OffsetConflict conflict && conflict.durableOffset() >= 0) {
            problem.type(IetfDraft.MISMATCHING_OFFSET).with("expected-offset", conflict.durableOffset());
            try {
                IetfDraft.integer(IetfDraft.UPLOAD_OFFSET, headers.getHeaderString(IetfDraft.UPLOAD_OFFSET))
                        .ifPresent(provided -> problem.with("provided-offset", provided));
            } catch (RuntimeException unreadable) {
                // The offset given was no Integer: the member is left out.
            }
            return Response.fromResponse(problem.toResponse())
                    .header(IetfDraft.UPLOAD_OFFSET, conflict.durableOffset()).build();
        }
        if (e instanceof LengthMismatch) {
            problem.type(IetfDraft.INCONSISTENT_LENGTH);
        } else if (e instanceof NotActive) {
            problem.type(IetfDraft.COMPLETED_UPLOAD);
        } else if (e instanceof TooLarge && maxSize >= 0) {
            return Response.fromResponse(problem.toResponse()).header(IetfDraft.UPLOAD_LIMIT, "max-size=" + maxSize).build();
        } else if (e instanceof StoreUnavailable unavailable) {
            LOG.log(Level.WARNING, "store unavailable: " + e.getMessage(), e.getCause());
            problem.retryAfter(unavailable.retryAfterSeconds());
        } else if (e instanceof TooManyUploads) {
            problem.retryAfter(60);
        } else if (e instanceof dev.largeupload.domain.error.UploadException.HookUnavailable) {
            problem.retryAfter(5);
        }
        return problem.toResponse();
    }
}

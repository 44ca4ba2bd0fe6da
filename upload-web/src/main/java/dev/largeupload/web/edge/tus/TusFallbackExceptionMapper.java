package dev.largeupload.web.edge.tus;

import dev.largeupload.web.http.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every failure of the tus edge that is neither the domain's nor the edge's own refusal
 * ({@link dev.largeupload.web.http.RequestException}): the framework's own (no such path, method not allowed), and, as the last resort, an unexpected failure, logged
 * with a reference and answered without a stack trace. All as problem documents.
 */
public class TusFallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(TusFallbackExceptionMapper.class.getName());

    @Context
    UriInfo uri;

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            Response original = web.getResponse();
            int status = original.getStatus();
            String detail = switch (status) {
                case 404 -> "There is no such resource; tus uploads are created by POST /api/tus/.";
                case 405 -> "This method is not allowed here.";
                case 415 -> "A PATCH carries Content-Type: application/offset+octet-stream.";
                default -> original.getStatusInfo().getReasonPhrase();
            };
            Response response = Problem.of(status, "request.refused", "Request refused", detail)
                    .instance(Problem.path(uri)).toResponse();
            if (original.getHeaderString("Allow") != null) {
                return Response.fromResponse(response).header("Allow", original.getHeaderString("Allow")).build();
            }
            return response;
        }
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected failure, reference " + reference, e);
        return Problem.of(500, "server.internal-error", "Internal server error",
                "The server failed unexpectedly; the failure was logged with reference " + reference + ".").toResponse();
    }
}

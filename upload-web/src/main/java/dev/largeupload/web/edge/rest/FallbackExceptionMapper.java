package dev.largeupload.web.edge.rest;

import dev.largeupload.web.http.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last resort: an unexpected failure is logged with a reference and answered with a problem
 * document carrying that reference, never with a stack trace.
 */
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(FallbackExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        return internalError(e);
    }

    static Response internalError(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected failure, reference " + reference, e);
        return Problem.of(500, "server.internal-error", "Internal server error",
                "The server failed unexpectedly; the failure was logged with reference " + reference + ".").toResponse();
    }
}

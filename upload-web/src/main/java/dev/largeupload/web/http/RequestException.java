package dev.largeupload.web.http;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * A request refused at the edge for its syntax (a field missing or of the wrong type, a header
 * that is not what it should be) before the domain is asked anything.
 */
public final class RequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public RequestException(int status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    /** The stable code of the problem, such as {@code request.missing-field}. */
    public String code() {
        return code;
    }

    /** Maps {@link RequestException} to its problem document. */
    public static class Mapper implements ExceptionMapper<RequestException> {

        @Context
        UriInfo uri;

        @Override
        public Response toResponse(RequestException e) {
            return Problem.of(e.status, e.code, "Invalid request", e.getMessage()).instance(Problem.path(uri)).toResponse();
        }
    }
}

package dev.largeupload.web.edge.rest;

import dev.largeupload.web.http.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Locale;
import java.util.Map;

/** Turns the framework's own refusals (no such path, wrong method, wrong media type …) into problem documents. */
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Context
    UriInfo uri;

    private static final Map<Integer, String> CODES = Map.of(
            400, "request.malformed",
            404, "request.no-such-resource",
            405, "request.method-not-allowed",
            406, "request.not-acceptable",
            411, "request.length-required",
            413, "request.too-large",
            415, "request.unsupported-media-type");

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            return thrownByTheJsonParser(e) ? JsonExceptionMapper.malformed() : FallbackExceptionMapper.internalError(e);
        }
        if (status == 400 && causedByJson(e)) {
            return JsonExceptionMapper.malformed();
        }
        String reason = original.getStatusInfo().getReasonPhrase();
        String code = CODES.getOrDefault(status, "request.refused");
        String detail = switch (status) {
            case 404 -> "There is no such resource; the API lives under /api (see /api/config).";
            case 405 -> "This method is not allowed here" + allowed(original) + ".";
            case 415 -> "This content type is not accepted here; send application/json to init and complete, "
                    + "application/octet-stream to PUT a chunk, multipart/form-data to POST /api/upload/chunk.";
            default -> reason;
        };
        Response response = Problem.of(status, code, reason == null ? "Request refused" : reason, detail)
                .instance(Problem.path(uri)).toResponse();
        if (status == 405 && original.getHeaderString("Allow") != null) {
            return Response.fromResponse(response).header("Allow", original.getHeaderString("Allow")).build();
        }
        return response;
    }

    private static boolean causedByJson(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof jakarta.json.JsonException || t instanceof jakarta.json.bind.JsonbException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Liberty's JSON-P body reader wraps the parser's refusals that are not {@code JsonException}s
     * (Parsson's nesting limit: "Input is too deeply nested") in a 500; they are bad input all the same.
     */
    private static boolean thrownByTheJsonParser(WebApplicationException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            StackTraceElement[] trace = t.getStackTrace();
            if (t instanceof jakarta.json.JsonException
                    || trace.length > 0 && trace[0].getClassName().startsWith("org.eclipse.parsson.")) {
                return true;
            }
        }
        return false;
    }

    private static String allowed(Response original) {
        String allow = original.getHeaderString("Allow");
        return allow == null ? "" : "; allowed: " + allow.toUpperCase(Locale.ROOT);
    }
}

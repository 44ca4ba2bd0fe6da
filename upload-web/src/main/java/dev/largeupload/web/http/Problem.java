package dev.largeupload.web.http;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}): {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}, and the extension {@code code}, the stable
 * machine-readable name of the failure. Built with JSON-P, never by string concatenation.
 */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:largeupload:problem:";

    private final int status;
    private final JsonObjectBuilder body;
    private Integer retryAfterSeconds;
    private String contentRange;

    private Problem(int status, String code, String title, String detail) {
        this.status = status;
        this.body = Json.createObjectBuilder()
                .add("type", TYPE_PREFIX + code)
                .add("title", title)
                .add("status", status)
                .add("detail", detail == null ? title : detail)
                .add("code", code);
    }

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem(status, code, title, detail);
    }

    /** The path of the request being answered, for the {@code instance} member. */
    public static String path(UriInfo uri) {
        try {
            return uri == null ? null : uri.getRequestUri().getRawPath();
        } catch (RuntimeException e) {
            return null; // outside a request
        }
    }

    public Problem instance(String path) {
        if (path != null) {
            body.add("instance", path);
        }
        return this;
    }

    /** This problem with another {@code type} URI: a type a protocol registers (the IETF draft's, for one). */
    public Problem type(String uri) {
        body.add("type", uri);
        return this;
    }

    public Problem with(String name, long value) {
        body.add(name, value);
        return this;
    }

    public Problem with(String name, String value) {
        body.add(name, value);
        return this;
    }

    public Problem with(String name, List<Integer> values) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        values.forEach(array::add);
        body.add(name, array);
        return this;
    }

    public Problem retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        body.add("retry_after", seconds);
        return this;
    }

    public Problem contentRange(String value) {
        this.contentRange = value;
        return this;
    }

    /**
     * Writes this problem as the whole answer of a servlet (a filter or an error page, outside JAX-RS),
     * ending with a newline like every JSON answer of the API.
     */
    public void write(HttpServletResponse response) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        if (retryAfterSeconds != null) {
            response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        response.getWriter().write(body.build().toString() + "\n");
    }

    /**
     * Writes this problem as the whole answer of a servlet filter with exactly the media type
     * {@code application/problem+json} (no charset parameter, as the JAX-RS answers send it; the body is UTF-8).
     */
    public void writeAsApi(HttpServletResponse response) throws IOException {
        byte[] bytes = (body.build().toString() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    public Response toResponse() {
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE).entity(body.build());
        if (retryAfterSeconds != null) {
            response.header("Retry-After", retryAfterSeconds);
        }
        if (contentRange != null) {
            response.header("Content-Range", contentRange);
        }
        return response.build();
    }
}

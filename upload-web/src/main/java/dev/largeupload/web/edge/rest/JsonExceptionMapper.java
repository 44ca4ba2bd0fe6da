package dev.largeupload.web.edge.rest;

import dev.largeupload.web.http.Problem;
import jakarta.json.JsonException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A request body that is not well-formed JSON. */
public class JsonExceptionMapper implements ExceptionMapper<JsonException> {

    @Override
    public Response toResponse(JsonException e) {
        return malformed();
    }

    static Response malformed() {
        return Problem.of(400, "request.malformed-json", "Malformed JSON",
                "The request body must be one JSON object.").toResponse();
    }
}

package dev.largeupload.web.http;

import dev.largeupload.web.http.BoundedBody;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reads a JSON request body as exactly one JSON value: content after it ({@code {…} xyz}) is refused
 * as malformed instead of silently ignored, as the container's own reader does. Parse failures keep
 * their {@link JsonException} as the cause, which the problem mappers answer with
 * {@code request.malformed-json}. A body is at most {@link #MAX_BODY_BYTES}: a longer declared
 * {@code Content-Length} is refused before reading, and a body without one is refused at the first
 * byte past the limit ({@code 413 request.too-large}), so a JSON body never fills the heap.
 */
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
public class StrictJsonReader implements MessageBodyReader<JsonValue> {

    /** The largest JSON body read: init and complete bodies are a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 8 * 1024;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return JsonValue.class.isAssignableFrom(type);
    }

    @Override
    public JsonValue readFrom(Class<JsonValue> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                              MultivaluedMap<String, String> headers, InputStream entity) {
        if (declaredLength(headers.getFirst("Content-Length")) > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        BoundedBody body = new BoundedBody(entity, MAX_BODY_BYTES);
        try {
            JsonParser parser = Json.createParser(body);
            if (!parser.hasNext()) {
                throw malformed(new JsonException("The request body is empty."));
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw malformed(new JsonException("The request body goes on after its JSON value."));
            }
            return value;
        } catch (JsonException e) {
            throw body.exceeded() ? tooLarge() : malformed(e);
        } catch (RuntimeException e) {
            if (body.exceeded()) {
                throw tooLarge();
            }
            // The parser's own limits (Parsson: "Input is too deeply nested") are bad input all the same.
            throw malformed(new JsonException(e.getMessage(), e));
        }
    }

    /** The declared length, or -1 when there is none that reads as a number (then the bound applies alone). */
    private static long declaredLength(String header) {
        if (header == null || header.isEmpty() || header.length() > 18 || !header.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(header);
    }

    private static RequestException tooLarge() {
        return new RequestException(413, "request.too-large", "A JSON body is at most " + MAX_BODY_BYTES + " bytes.");
    }

    private static BadRequestException malformed(JsonException cause) {
        return new BadRequestException(cause.getMessage(), cause);
    }
}

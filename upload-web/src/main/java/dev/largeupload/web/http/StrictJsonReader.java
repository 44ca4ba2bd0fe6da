package dev.largeupload.web.http;

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
 * {@code request.malformed-json}.
 */
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
public class StrictJsonReader implements MessageBodyReader<JsonValue> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return JsonValue.class.isAssignableFrom(type);
    }

    @Override
    public JsonValue readFrom(Class<JsonValue> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                              MultivaluedMap<String, String> headers, InputStream entity) {
        try {
            JsonParser parser = Json.createParser(entity);
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
            throw malformed(e);
        } catch (RuntimeException e) {
            // The parser's own limits (Parsson: "Input is too deeply nested") are bad input all the same.
            throw malformed(new JsonException(e.getMessage(), e));
        }
    }

    private static BadRequestException malformed(JsonException cause) {
        return new BadRequestException(cause.getMessage(), cause);
    }
}

package dev.largeupload.web.http;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the fields of a JSON request body with the edge's syntax checks: present when required,
 * of the right JSON type, whole numbers that fit. Meaning (is the size allowed?) is the domain's job.
 */
public final class JsonFields {

    private final JsonObject body;

    private JsonFields(JsonObject body) {
        this.body = body;
    }

    public static JsonFields of(JsonValue body) {
        if (!(body instanceof JsonObject object)) {
            throw new RequestException(400, "request.malformed-json", "The request body must be one JSON object.");
        }
        return new JsonFields(object);
    }

    public String requiredString(String name) {
        return optionalString(name).orElseThrow(() -> missing(name, "a string"));
    }

    public Optional<String> optionalString(String name) {
        JsonValue value = body.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (!(value instanceof JsonString string)) {
            throw wrongType(name, "a string");
        }
        return Optional.of(string.getString());
    }

    public long requiredLong(String name) {
        return optionalLong(name).orElseThrow(() -> missing(name, "a whole number"));
    }

    public OptionalLong optionalLong(String name) {
        JsonValue value = body.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return OptionalLong.empty();
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw wrongType(name, "a whole number");
        }
        try {
            return OptionalLong.of(number.bigIntegerValueExact().longValueExact());
        } catch (ArithmeticException e) {
            throw new RequestException(400, "request.invalid-field", "Field '" + name + "' is too large a number.");
        }
    }

    private static RequestException missing(String name, String kind) {
        return new RequestException(400, "request.missing-field", "Field '" + name + "' is required and must be " + kind + ".");
    }

    private static RequestException wrongType(String name, String kind) {
        return new RequestException(400, "request.invalid-field", "Field '" + name + "' must be " + kind + ".");
    }
}

package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import java.util.UUID;
import java.util.regex.Pattern;

/** The identity of an upload: a random UUID in its canonical lower-case text form. */
public record UploadId(String value) {

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public UploadId {
        if (value == null || !CANONICAL.matcher(value).matches()) {
            throw new InvalidArgument(Field.UPLOAD_ID, "An upload id is a lower-case UUID such as "
                    + "550e8400-e29b-41d4-a716-446655440000; got " + describe(value) + ".");
        }
    }

    /** A new, unguessable id. */
    public static UploadId random() {
        return new UploadId(UUID.randomUUID().toString());
    }

    private static String describe(String value) {
        if (value == null) {
            return "nothing";
        }
        return value.length() > 40 ? "a " + value.length() + "-character value" : "'" + value.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    @Override
    public String toString() {
        return value;
    }
}

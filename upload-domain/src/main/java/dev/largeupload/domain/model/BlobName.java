package dev.largeupload.domain.model;

import java.util.regex.Pattern;

/**
 * The name under which a blob store keeps an upload's data. It is derived from the upload id,
 * never from anything a user typed, so it is always a safe path segment and a valid Azure blob name.
 */
public record BlobName(String value) {

    private static final Pattern SAFE = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");

    public BlobName {
        if (value == null || !SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a safe blob name: " + value);
        }
    }

    public static BlobName of(UploadId id) {
        return new BlobName(id.value());
    }

    @Override
    public String toString() {
        return value;
    }
}

package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;

/**
 * The name a person gave the file, kept for display and for the download's file name only.
 * It is never used to build a path or a blob name. A name is refused when it is blank, longer
 * than {@value #MAX_LENGTH} characters, contains control or bidirectional-override characters,
 * contains a path separator, or is {@code .} or {@code ..}.
 */
public record FileName(String value) {

    public static final int MAX_LENGTH = 255;

    public FileName {
        if (value == null || value.isBlank()) {
            throw invalid("A file name is required.");
        }
        if (value.codePointCount(0, value.length()) > MAX_LENGTH) {
            throw invalid("A file name may have at most " + MAX_LENGTH + " characters; this one has "
                    + value.codePointCount(0, value.length()) + ".");
        }
        if (value.equals(".") || value.equals("..")) {
            throw invalid("'" + value + "' is not a file name.");
        }
        value.codePoints().forEach(c -> {
            if (c == '/' || c == '\\') {
                throw invalid("A file name may not contain '/' or '\\'; send the name alone, without a folder.");
            }
            if (Character.isISOControl(c) || isBidiControl(c) || c == 0xFEFF
                    || Character.getType(c) == Character.SURROGATE || Character.getType(c) == Character.UNASSIGNED) {
                throw invalid(String.format("A file name may not contain the character U+%04X.", c));
            }
        });
    }

    private static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    }

    private static InvalidArgument invalid(String message) {
        return new InvalidArgument(Field.FILE_NAME, message);
    }

    @Override
    public String toString() {
        return value;
    }
}

package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;

/**
 * The name a person gave the file, kept for display and for the download's file name only.
 * It is never used to build a path or a blob name. A {@code FileName} is always clean: at most
 * {@value #MAX_LENGTH} characters, no control, format (bidirectional overrides, zero-width) or
 * unassigned characters, no path separator, not {@code .} or {@code ..}, not blank.
 * {@link #sanitize} makes one from whatever a client sent; the constructor refuses a name that is not clean.
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

    /**
     * A clean name from what a client sent: Unicode NFC; only the part after the last {@code /} or
     * {@code \} (browsers and tools send {@code C:\fakepath\x.zip} or {@code dir/x.zip}); control, format
     * and unassigned characters removed; blanks around stripped; cut to {@value #MAX_LENGTH} characters
     * keeping a short extension.
     *
     * @throws InvalidArgument ({@code upload.invalid-filename}) if nothing usable is left
     */
    public static FileName sanitize(String raw) {
        if (raw == null) {
            throw invalid("A file name is required.");
        }
        String name = java.text.Normalizer.normalize(raw, java.text.Normalizer.Form.NFC);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder clean = new StringBuilder(Math.min(name.length(), 4 * MAX_LENGTH));
        name.codePoints().filter(c -> !isForbidden(c)).forEach(clean::appendCodePoint);
        name = clean.toString().strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw invalid("A file name is required; '" + abbreviate(raw) + "' has no usable characters.");
        }
        return new FileName(truncate(name));
    }

    private static String truncate(String name) {
        int length = name.codePointCount(0, name.length());
        if (length <= MAX_LENGTH) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        int keep = MAX_LENGTH - extension.codePointCount(0, extension.length());
        String stem = name.substring(0, name.offsetByCodePoints(0, keep));
        return stem.strip() + extension;
    }

    private static boolean isForbidden(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || isBidiControl(c) || c == 0xFEFF || type == Character.FORMAT
                || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String abbreviate(String raw) {
        String visible = raw.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
        return visible.length() > 40 ? visible.substring(0, 40) + "…" : visible;
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

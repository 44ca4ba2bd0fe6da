package dev.largeupload.web.http;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.usecase.ChunkRange;
import dev.largeupload.web.http.ContentDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the values that arrive as text (path segments, headers, form fields) into domain values. */
public final class RequestValues {

    public static final String TOKEN_HEADER = "Upload-Token";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes ([0-9]{1,18})-([0-9]{1,18})/([0-9]{1,18})");

    private RequestValues() {
    }

    public static UploadId uploadId(String raw) {
        return new UploadId(raw);
    }

    /** A chunk index: decimal digits only (no sign), else {@code upload.invalid-chunk-index}. */
    public static long chunkIndex(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidArgument(Field.CHUNK_INDEX, "A chunk index is a whole number from 0; got "
                    + (raw == null || raw.isEmpty() ? "nothing" : "'" + clip(raw) + "'") + ".");
        }
        return Long.parseLong(raw);
    }

    /** The Base64 MD5 of a {@code Content-MD5} header, when one was sent. */
    public static Optional<byte[]> contentMd5(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            byte[] md5 = Base64.getDecoder().decode(header.strip());
            if (md5.length == 16) {
                return Optional.of(md5);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal below
        }
        throw new InvalidArgument(Field.CHECKSUM, "Content-MD5 must be the Base64 of the 16-byte MD5 of the chunk.");
    }

    /** The SHA-256 of an RFC 9530 {@code Content-Digest} header, when one was sent (see {@link ContentDigest}). */
    public static Optional<Sha256> contentDigest(String header) {
        return ContentDigest.sha256(header);
    }

    /**
     * The part of a chunk a {@code Content-Range: bytes first-last/length} header (RFC 9110 §14.4) names, when one
     * was sent: strictly that form, decimal digits only; anything else ({@code bytes *}{@code /length}, another unit,
     * a missing length) is {@code upload.invalid-range}.
     */
    public static Optional<ChunkRange> contentRange(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = CONTENT_RANGE.matcher(header.strip());
        if (!m.matches()) {
            throw new InvalidArgument(Field.RANGE, "Content-Range must read 'bytes <first>-<last>/<chunk length>' with"
                    + " decimal byte positions inside the chunk; got '" + clip(header) + "'.");
        }
        return Optional.of(new ChunkRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
    }

    /** A hexadecimal SHA-256 from a JSON or form field, when one was sent. */
    public static Optional<Sha256> sha256Hex(Optional<String> raw, String field) {
        return raw.filter(v -> !v.isBlank()).map(v -> Sha256.fromHex(v, field));
    }

    public static String clip(String raw) {
        String clean = raw.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}

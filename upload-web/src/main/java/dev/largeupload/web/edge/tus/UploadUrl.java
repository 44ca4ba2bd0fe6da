package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.UploadId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The capability a tus client holds: its upload URL, {@code /api/tus/<id>.<token>}, the upload's id and its upload
 * token (256 random bits), so that the URL alone lets its holder append, read the offset, terminate and download,
 * and nobody without it can. The token is the same one the native API takes in {@code Upload-Token}, so a native
 * call on a tus upload is authorised exactly as the native API requires. A URL without the token
 * ({@code /api/tus/<id>}) is served when the request carries {@code Upload-Token} instead, or when the server runs
 * without tokens ({@code REQUIRE_UPLOAD_TOKEN=false}).
 *
 * @param id    the upload
 * @param token the token in the URL, or {@code null} when the URL has none
 */
record UploadUrl(UploadId id, String token) {

    private static final Pattern SEGMENT = Pattern.compile(
            "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\\.([A-Za-z0-9_-]{43}))?");

    /** The last path segment of an upload URL; anything else is an upload that does not exist. */
    static UploadUrl parse(String segment, String headerToken) {
        Matcher m = segment == null ? null : SEGMENT.matcher(segment);
        if (m == null || !m.matches()) {
            throw new NotFound(segment == null ? "" : segment.length() > 80 ? segment.substring(0, 80) : segment);
        }
        return new UploadUrl(new UploadId(m.group(1)), m.group(2) != null ? m.group(2) : headerToken);
    }

    /** The path segment of the upload URL of {@code id} with {@code token}. */
    static String segment(UploadId id, String token) {
        return id.value() + "." + token;
    }
}

package dev.largeupload.web.edge.tus;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The names and values of the tus 1.0.0 protocol that this edge speaks. */
final class Tus {

    static final String VERSION = "1.0.0";
    static final String RESUMABLE = "Tus-Resumable";
    static final String TUS_VERSION = "Tus-Version";
    static final String EXTENSION = "Tus-Extension";
    static final String MAX_SIZE = "Tus-Max-Size";
    static final String CHECKSUM_ALGORITHM = "Tus-Checksum-Algorithm";
    static final String UPLOAD_OFFSET = "Upload-Offset";
    static final String UPLOAD_LENGTH = "Upload-Length";
    static final String UPLOAD_DEFER_LENGTH = "Upload-Defer-Length";
    static final String UPLOAD_METADATA = "Upload-Metadata";
    static final String UPLOAD_EXPIRES = "Upload-Expires";
    static final String UPLOAD_CHECKSUM = "Upload-Checksum";
    static final String UPLOAD_CONCAT = "Upload-Concat";
    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    /** The extensions served. */
    static final List<String> EXTENSIONS = List.of("creation", "creation-with-upload", "creation-defer-length",
            "expiration", "checksum", "checksum-trailer", "termination", "concatenation");
    static final String CHECKSUM_ALGORITHMS = "sha1,md5,sha256";
    /** The status tus gives a checksum mismatch. */
    static final int CHECKSUM_MISMATCH = 460;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private Tus() {
    }

    /** An instant as an HTTP date ({@code Upload-Expires}). */
    static String httpDate(Instant instant) {
        return HTTP_DATE.format(instant);
    }
}

package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.usecase.BodyChecksum;
import dev.largeupload.web.http.RequestException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names, values and header syntax of the IETF "Resumable Uploads for HTTP" draft
 * (draft-ietf-httpbis-resumable-upload) as this edge speaks it: interop version 8 (draft -15, the latest) and 6
 * (draft -05, what tus-js-client's {@code protocol: 'ietf-draft-05'} and iOS 18 send). The fields are RFC 9651
 * structured fields: {@code Upload-Complete} a Boolean, {@code Upload-Offset} and {@code Upload-Length} Integers,
 * {@code Repr-Digest} and {@code Content-Digest} (RFC 9530) Dictionaries of Byte Sequences.
 */
final class IetfDraft {

    static final String INTEROP_VERSION = "Upload-Draft-Interop-Version";
    static final Set<String> INTEROP_VERSIONS = Set.of("6", "8");
    static final String UPLOAD_COMPLETE = "Upload-Complete";
    static final String UPLOAD_OFFSET = "Upload-Offset";
    static final String UPLOAD_LENGTH = "Upload-Length";
    static final String UPLOAD_LIMIT = "Upload-Limit";
    static final String REPR_DIGEST = "Repr-Digest";
    static final String CONTENT_DIGEST = "Content-Digest";
    static final String PARTIAL_UPLOAD = "application/partial-upload";
    /** The path the protocol filter routes draft requests to, under the edge's base; never reached directly. */
    static final String PATH = "ietf-draft";
    /** The problem types the draft registers. */
    static final String MISMATCHING_OFFSET = "https://iana.org/assignments/http-problem-types#mismatching-upload-offset";
    static final String COMPLETED_UPLOAD = "https://iana.org/assignments/http-problem-types#completed-upload";
    static final String INCONSISTENT_LENGTH = "https://iana.org/assignments/http-problem-types#inconsistent-upload-length";

    private static final Pattern INTEGER = Pattern.compile("[0-9]{1,15}");
    private static final Pattern DIGEST_MEMBER = Pattern.compile("\\s*([a-z][a-z0-9_.*-]*)\\s*=\\s*:([A-Za-z0-9+/=]*):\\s*(?:;[^,]*)?");

    private IetfDraft() {
    }

    /** {@code Upload-Complete}: {@code ?1} or {@code ?0}. @throws RequestException (400) when absent or not a Boolean */
    static boolean complete(String value) {
        String v = value == null ? null : value.strip();
        if ("?1".equals(v)) {
            return true;
        }
        if ("?0".equals(v)) {
            return false;
        }
        throw new RequestException(400, "draft.upload-complete-invalid", value == null
                ? "A resumable upload request carries Upload-Complete: ?0 or ?1."
                : "Upload-Complete is ?0 or ?1; got '" + TusHeaderValues.clip(value) + "'.");
    }

    /** An Integer field of 0 or more, or empty when absent. @throws RequestException (400) if it is not one */
    static Optional<Long> integer(String name, String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (!INTEGER.matcher(v).matches()) {
            throw new RequestException(400, "draft.header-invalid", name + " is an Integer of 0 or more; got '"
                    + TusHeaderValues.clip(v) + "'.");
        }
        return Optional.of(Long.parseLong(v));
    }

    /**
     * The digest of a {@code Content-Digest} this server can check: {@code sha-256}, else {@code sha}, else
     * {@code md5}; empty when absent or naming only other algorithms (RFC 9530 lets a receiver ignore those).
     *
     * @throws RequestException (400) if the field is not a Dictionary of Byte Sequences
     */
    static Optional<BodyChecksum> contentDigest(String value) {
        for (String[] algorithm : new String[][] {{"sha-256", "sha256"}, {"sha", "sha1"}, {"md5", "md5"}}) {
            Optional<byte[]> digest = member(CONTENT_DIGEST, value, algorithm[0]);
            if (digest.isPresent()) {
                try {
                    return Optional.of(new BodyChecksum(algorithm[1], digest.get()));
                } catch (RuntimeException e) {
                    throw new RequestException(400, "draft.digest-invalid", CONTENT_DIGEST + ": " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /** The hex SHA-256 of the whole file a {@code Repr-Digest} gives ({@code sha-256}), if it gives one. */
    static Optional<String> reprSha256(String value) {
        return member(REPR_DIGEST, value, "sha-256").map(digest -> {
            if (digest.length != 32) {
                throw new RequestException(400, "draft.digest-invalid", "The sha-256 of Repr-Digest is 32 bytes.");
            }
            return HexFormat.of().formatHex(digest);
        });
    }

    /** {@code Repr-Digest: sha-256=:…:} of a hex SHA-256. */
    static String reprDigest(String sha256Hex) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex)) + ":";
    }

    private static Optional<byte[]> member(String name, String value, String key) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        for (String member : value.split(",")) {
            Matcher m = DIGEST_MEMBER.matcher(member);
            if (!m.matches()) {
                throw new RequestException(400, "draft.digest-invalid", name + " is a Dictionary of algorithm=:base64:"
                        + " members; got '" + TusHeaderValues.clip(member.strip()) + "'.");
            }
            if (m.group(1).toLowerCase(Locale.ROOT).equals(key)) {
                try {
                    return Optional.of(Base64.getDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new RequestException(400, "draft.digest-invalid", "The " + key + " of " + name + " is not Base64.");
                }
            }
        }
        return Optional.empty();
    }
}

package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.usecase.BodyChecksum;
import dev.largeupload.web.http.RequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The syntax of tus request headers: numbers, {@code Upload-Metadata}, {@code Upload-Checksum}. The domain judges meaning. */
final class TusHeaderValues {

    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]{1,128}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    private TusHeaderValues() {
    }

    /** A non-negative number header, or empty when absent. @throws RequestException (400) if it is not one */
    static Optional<Long> number(String name, String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (!NUMBER.matcher(v).matches()) {
            throw new RequestException(400, "tus.header-invalid", name + " must be a number of 0 or more; got '"
                    + clip(v) + "'.");
        }
        return Optional.of(Long.parseLong(v));
    }

    /**
     * Whether a creation defers its length: {@code Upload-Defer-Length: 1} and no {@code Upload-Length}.
     *
     * @throws RequestException (400) for another value, or for both headers at once
     */
    static boolean deferLength(String deferLength, String length) {
        if (deferLength == null) {
            return false;
        }
        if (!"1".equals(deferLength.strip())) {
            throw new RequestException(400, "tus.header-invalid", "Upload-Defer-Length may only be 1; got '"
                    + clip(deferLength) + "'.");
        }
        if (length != null) {
            throw new RequestException(400, "tus.header-invalid", "A creation sends Upload-Length or"
                    + " Upload-Defer-Length: 1, not both.");
        }
        return true;
    }

    /**
     * {@code Upload-Metadata}: comma-separated {@code key base64-value} pairs (the value may be missing), keys unique.
     *
     * @return the decoded values by key (a missing value is the empty string), in the order given
     */
    static Map<String, String> metadata(String header) {
        Map<String, String> values = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return values;
        }
        if (header.length() > AppendState.MAX_LABELS) {
            throw invalidMetadata("it is longer than " + AppendState.MAX_LABELS + " characters");
        }
        for (String pair : header.split(",", -1)) {
            String[] parts = pair.strip().split(" ", -1);
            if (parts.length > 2 || !KEY.matcher(parts[0]).matches()) {
                throw invalidMetadata("'" + clip(pair.strip()) + "' is not a key and a Base64 value");
            }
            String value = "";
            if (parts.length == 2) {
                if (!BASE64.matcher(parts[1]).matches()) {
                    throw invalidMetadata("the value of " + parts[0] + " is not Base64");
                }
                try {
                    value = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw invalidMetadata("the value of " + parts[0] + " is not Base64");
                }
            }
            if (values.put(parts[0], value) != null) {
                throw invalidMetadata("the key " + parts[0] + " is given twice");
            }
        }
        return values;
    }

    /** {@code Upload-Checksum: <algorithm> <base64>}. @throws RequestException (400) for another algorithm or syntax */
    static BodyChecksum checksum(String header) {
        String[] parts = header.strip().split(" ", -1);
        if (parts.length != 2) {
            throw new RequestException(400, "tus.checksum-invalid", "Upload-Checksum is an algorithm and a Base64 digest.");
        }
        String algorithm = parts[0].toLowerCase(Locale.ROOT);
        if (!BodyChecksum.ALGORITHMS.contains(algorithm)) {
            throw new RequestException(400, "tus.checksum-algorithm-unsupported", "Upload-Checksum algorithm '"
                    + clip(parts[0]) + "' is not one of " + Tus.CHECKSUM_ALGORITHMS + ".");
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new RequestException(400, "tus.checksum-invalid", "The digest of Upload-Checksum is not Base64.");
        }
        try {
            return new BodyChecksum(algorithm, digest);
        } catch (RuntimeException e) {
            throw new RequestException(400, "tus.checksum-invalid", e.getMessage());
        }
    }

    private static RequestException invalidMetadata(String why) {
        return new RequestException(400, "tus.metadata-invalid", "Upload-Metadata is invalid: " + why + ".");
    }

    static String clip(String raw) {
        String clean = raw.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "…" : clean;
    }
}

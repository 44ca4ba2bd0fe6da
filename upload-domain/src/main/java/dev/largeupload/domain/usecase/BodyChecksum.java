package dev.largeupload.domain.usecase;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A client's digest of one request body, by algorithm: {@code sha1}, {@code md5} or {@code sha256} (the names
 * the tus checksum extension uses), checked over exactly the bytes of the body.
 */
public record BodyChecksum(String algorithm, byte[] expected) {

    /** The algorithms a body may be checked with, by their tus names. */
    public static final Set<String> ALGORITHMS = Set.of("sha1", "md5", "sha256");

    public BodyChecksum {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(expected, "expected");
        if (!ALGORITHMS.contains(algorithm)) {
            throw new InvalidArgument(Field.CHECKSUM, "'" + algorithm + "' is not one of the checksum algorithms sha1, md5, sha256.");
        }
        if (expected.length != digestLength(algorithm)) {
            throw new InvalidArgument(Field.CHECKSUM, "A " + algorithm + " checksum is " + digestLength(algorithm)
                    + " bytes; got " + expected.length + ".");
        }
        expected = expected.clone();
    }

    @Override
    public byte[] expected() {
        return expected.clone();
    }

    /** The name {@link java.security.MessageDigest} knows the algorithm by. */
    public String javaName() {
        return javaName(algorithm);
    }

    /** The {@link java.security.MessageDigest} name of a tus algorithm name. */
    public static String javaName(String algorithm) {
        return switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "sha1" -> "SHA-1";
            case "md5" -> "MD5";
            case "sha256" -> "SHA-256";
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static int digestLength(String algorithm) {
        return switch (algorithm) {
            case "sha1" -> 20;
            case "md5" -> 16;
            default -> 32;
        };
    }
}

package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A SHA-256 digest: exactly 32 bytes, immutable, compared by value. Written as 64 lowercase
 * hexadecimal digits in JSON and storage, as Base64 in RFC 9530 {@code Content-Digest} headers.
 *
 * <p>The <em>composite</em> digest of an upload is the SHA-256 of its chunks' digests, raw 32 bytes
 * each, concatenated in chunk order: it pins every byte of the file without reading the file again.
 */
public final class Sha256 {

    /** The length of a digest in bytes. */
    public static final int LENGTH = 32;

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Sha256(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The digest of these 32 bytes (copied). */
    public static Sha256 of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + bytes.length);
        }
        return new Sha256(bytes.clone());
    }

    /**
     * Parses 64 hexadecimal digits (either case, surrounding blanks ignored).
     *
     * @throws InvalidArgument ({@code upload.invalid-checksum}) naming {@code what} otherwise
     */
    public static Sha256 fromHex(String hex, String what) {
        String clean = hex == null ? "" : hex.strip().toLowerCase(Locale.ROOT);
        if (clean.length() != 2 * LENGTH || !clean.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new InvalidArgument(Field.CHECKSUM, what + " must be 64 hexadecimal digits (a SHA-256).");
        }
        return new Sha256(HEX.parseHex(clean));
    }

    /** A fresh SHA-256 {@link MessageDigest}. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The composite digest of {@code chunkDigests}, in the order given (chunk 0 first). */
    public static Sha256 composite(List<Sha256> chunkDigests) {
        MessageDigest digest = newDigest();
        for (Sha256 chunk : chunkDigests) {
            digest.update(chunk.bytes);
        }
        return new Sha256(digest.digest());
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether {@code other} holds the same 32 bytes, compared in constant time. */
    public boolean matches(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}

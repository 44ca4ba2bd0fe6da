package dev.largeupload.web.http;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.model.Sha256;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the SHA-256 a client claims for a body from an RFC 9530 {@code Content-Digest} header. The
 * header is parsed strictly as an RFC 8941 dictionary (bad syntax anywhere is refused, even in a
 * member for another algorithm). Every {@code sha-256} member counts: each must be a 32-byte byte
 * sequence, and two members with different values are refused, since no body could match both; so a
 * client is never told a body was verified when one of its claims was not checked. A header naming
 * no algorithm this server checks is refused as well.
 */
public final class ContentDigest {

    static final String SHA_256 = "sha-256";

    private ContentDigest() {
    }

    /** The claimed SHA-256, or empty when no header (or a blank one) was sent; else {@code upload.invalid-checksum}. */
    public static Optional<Sha256> sha256(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        List<StructuredDictionary.Member> members;
        try {
            members = StructuredDictionary.parse(header);
        } catch (StructuredDictionary.SyntaxException e) {
            throw refused("Content-Digest is not an RFC 8941 dictionary: " + e.getMessage()
                    + "; send sha-256=:<Base64 of the SHA-256>:.");
        }
        byte[] claimed = null;
        for (StructuredDictionary.Member member : members) {
            if (!member.key().equals(SHA_256)) {
                continue;
            }
            if (!(member.value() instanceof byte[] digest) || digest.length != Sha256.LENGTH) {
                throw refused("Content-Digest sha-256 must be the Base64 of the 32-byte SHA-256 between colons: sha-256=:…:.");
            }
            if (claimed != null && !Arrays.equals(claimed, digest)) {
                throw refused("Content-Digest holds two different sha-256 values; no body can match both.");
            }
            claimed = digest;
        }
        if (claimed == null) {
            throw refused("Content-Digest names no algorithm this server checks; send sha-256=:…:.");
        }
        return Optional.of(Sha256.of(claimed));
    }

    private static InvalidArgument refused(String detail) {
        return new InvalidArgument(Field.CHECKSUM, detail);
    }
}

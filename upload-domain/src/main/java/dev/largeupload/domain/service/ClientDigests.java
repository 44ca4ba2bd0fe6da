package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.model.Sha256;
import java.util.Objects;
import java.util.Optional;

/**
 * The digests a client sent with a chunk ({@code Content-MD5}, {@code Content-Digest: sha-256}), each
 * optional. The server checks every one given while the chunk streams in, and refuses the chunk on a mismatch.
 */
public record ClientDigests(Optional<byte[]> md5, Optional<Sha256> sha256) {

    /** A client that sent no digest. */
    public static final ClientDigests NONE = new ClientDigests(Optional.empty(), Optional.empty());

    public ClientDigests {
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(sha256, "sha256");
        if (md5.isPresent() && md5.get().length != 16) {
            throw new InvalidArgument(Field.CHECKSUM, "Content-MD5 must be the Base64 of 16 bytes.");
        }
        md5 = md5.map(byte[]::clone);
    }
}

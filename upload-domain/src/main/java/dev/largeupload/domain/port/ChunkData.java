package dev.largeupload.domain.port;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * The bytes of one chunk, as a stream of exactly {@code length} bytes, with the client's MD5 of
 * them when it sent one. The stream is read once and never rewound.
 */
public record ChunkData(InputStream data, long length, Optional<byte[]> md5) {

    public ChunkData {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(md5, "md5");
        if (length < 0) {
            throw new IllegalArgumentException("negative chunk length " + length);
        }
    }
}

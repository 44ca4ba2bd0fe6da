package dev.largeupload.domain.port;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * The bytes of one block, as a stream of exactly {@code length} bytes, with the client's MD5 of
 * exactly them when it sent one. The stream is read once and never rewound.
 */
public record BlockData(InputStream data, long length, Optional<byte[]> md5) {

    public BlockData {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(md5, "md5");
        if (length < 0) {
            throw new IllegalArgumentException("negative block length " + length);
        }
    }
}

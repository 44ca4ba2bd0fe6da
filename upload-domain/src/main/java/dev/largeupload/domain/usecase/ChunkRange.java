package dev.largeupload.domain.usecase;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;

/**
 * The part of a chunk that one request carries: bytes {@code first} to {@code last} inclusive of a chunk of
 * {@code chunkLength} bytes, as a {@code Content-Range: bytes first-last/chunkLength} header gives it.
 */
public record ChunkRange(long first, long last, long chunkLength) {

    public ChunkRange {
        if (first < 0 || last < first || chunkLength <= last) {
            throw new InvalidArgument(Field.RANGE, "Content-Range bytes " + first + "-" + last + "/" + chunkLength
                    + " is not a range inside the chunk: it needs 0 <= first <= last < length.");
        }
    }

    /** How many bytes the request carries. */
    public long length() {
        return last - first + 1;
    }
}

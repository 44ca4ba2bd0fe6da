package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.error.UploadException.TooLarge;

/**
 * How a file of a given size is cut into chunks: the chunk size, the number of chunks and the
 * exact length of each (every chunk is {@code chunkSize} long except the last, which holds the
 * rest). A 0-byte file has 0 chunks.
 *
 * <p>Azure block blobs hold at most {@value #MAX_BLOCKS} blocks of at most {@link #MAX_CHUNK_SIZE}
 * bytes, so a plan never has more than {@value #MAX_BLOCKS} chunks: when the requested chunk
 * size would need more, the plan grows the chunk size to the smallest whole number of MiB that fits.
 */
public record ChunkPlan(long fileSize, long chunkSize, int chunkCount) {

    public static final int MAX_BLOCKS = 50_000;
    public static final long MIB = 1024L * 1024L;
    /** Azure's largest block: 4,000 MiB. */
    public static final long MAX_CHUNK_SIZE = 4000 * MIB;
    /** The largest file the block scheme can hold: 50,000 blocks of 4,000 MiB (about 190.7 TiB). */
    public static final long MAX_FILE_SIZE = MAX_BLOCKS * MAX_CHUNK_SIZE;

    public ChunkPlan {
        if (fileSize < 0 || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE
                || chunkCount != countFor(fileSize, chunkSize) || chunkCount > MAX_BLOCKS) {
            throw new IllegalArgumentException("inconsistent chunk plan: " + fileSize + "/" + chunkSize + "/" + chunkCount);
        }
    }

    /**
     * Plans a file of {@code fileSize} bytes with chunks of {@code requestedChunkSize} bytes, or
     * larger ones when {@value #MAX_BLOCKS} chunks would not be enough.
     *
     * @throws InvalidArgument if a size is negative or the chunk size is 0 or over {@link #MAX_CHUNK_SIZE}
     * @throws TooLarge if the file exceeds {@link #MAX_FILE_SIZE}
     */
    public static ChunkPlan of(long fileSize, long requestedChunkSize) {
        if (fileSize < 0) {
            throw new InvalidArgument(Field.FILE_SIZE, "The file size must be 0 or more bytes; got " + fileSize + ".");
        }
        if (requestedChunkSize < 1 || requestedChunkSize > MAX_CHUNK_SIZE) {
            throw new InvalidArgument(Field.CHUNK_SIZE, "The chunk size must be between 1 and " + MAX_CHUNK_SIZE
                    + " bytes (4000 MiB); got " + requestedChunkSize + ".");
        }
        if (fileSize > MAX_FILE_SIZE) {
            throw new TooLarge("A file", fileSize, MAX_FILE_SIZE);
        }
        long chunkSize = requestedChunkSize;
        if (countFor(fileSize, chunkSize) > MAX_BLOCKS) {
            long smallestFitting = ceilDiv(fileSize, MAX_BLOCKS);
            chunkSize = Math.min(MAX_CHUNK_SIZE, ceilDiv(smallestFitting, MIB) * MIB);
        }
        return new ChunkPlan(fileSize, chunkSize, (int) countFor(fileSize, chunkSize));
    }

    /** The exact length of chunk {@code index}. */
    public long lengthOf(long index) {
        requireInRange(index);
        return index < chunkCount - 1 ? chunkSize : fileSize - chunkSize * (chunkCount - 1L);
    }

    /** The byte offset in the file where chunk {@code index} starts. */
    public long offsetOf(long index) {
        requireInRange(index);
        return chunkSize * index;
    }

    /** @throws ChunkOutOfRange unless {@code 0 <= index < chunkCount} */
    public int requireInRange(long index) {
        if (index < 0 || index >= chunkCount) {
            throw new ChunkOutOfRange(index, chunkCount);
        }
        return (int) index;
    }

    private static long countFor(long fileSize, long chunkSize) {
        return ceilDiv(fileSize, chunkSize);
    }

    private static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }
}

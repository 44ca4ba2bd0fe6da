package dev.largeupload.domain.model;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.InvalidArgument.Field;
import dev.largeupload.domain.error.UploadException.TooLarge;

/**
 * How a file of a given size is cut into chunks and blocks. A <b>block</b> is the unit that is made
 * durable and recorded (and, on Azure, one staged block of the blob); a <b>chunk</b> is what one request
 * carries: a whole number of blocks. Every chunk is {@code chunkSize} long except the last, which holds the
 * rest; every block is {@code blockSize} long except the last block of the file. Chunk boundaries are block
 * boundaries, so chunk {@code i} is blocks {@code i * blocksPerChunk()} up to the next chunk's first block.
 * A 0-byte file has 0 chunks and 0 blocks.
 *
 * <p>The rule for the block size, deterministic in the file size, the chunk size and the smallest block the
 * server plans ({@code minBlockSize}): the target is the larger of {@code minBlockSize} and the file size
 * divided by {@value #MAX_BLOCKS} (Azure's limit of blocks per blob; a 1 TB file has blocks of at least
 * 21 MiB). A chunk no larger than the target is one block. A larger chunk is cut into the most equal blocks
 * of at least the target: its size divided by the largest whole number that divides it exactly and leaves
 * blocks of the target or more (64 MiB chunks and an 8 MiB target: 8 blocks of 8 MiB; 50 MiB chunks: 5 of
 * 10 MiB). When the requested chunk size would need more than {@value #MAX_BLOCKS} chunks, the chunk size
 * first grows to the smallest whole number of MiB that fits.
 */
public record ChunkPlan(long fileSize, long chunkSize, int chunkCount, long blockSize) {

    public static final int MAX_BLOCKS = 50_000;
    public static final long MIB = 1024L * 1024L;
    /** Azure's largest block: 4,000 MiB. */
    public static final long MAX_CHUNK_SIZE = 4000 * MIB;
    /** The largest file the block scheme can hold: 50,000 blocks of 4,000 MiB (about 190.7 TiB). */
    public static final long MAX_FILE_SIZE = MAX_BLOCKS * MAX_CHUNK_SIZE;
    /** The smallest block planned unless the server is configured otherwise: 8 MiB. */
    public static final long DEFAULT_MIN_BLOCK_SIZE = 8 * MIB;

    public ChunkPlan {
        if (fileSize < 0 || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE
                || chunkCount != ceilDiv(fileSize, chunkSize) || chunkCount > MAX_BLOCKS
                || blockSize < 1 || chunkSize % blockSize != 0 || ceilDiv(fileSize, blockSize) > MAX_BLOCKS) {
            throw new IllegalArgumentException("inconsistent chunk plan: " + fileSize + "/" + chunkSize + "/" + chunkCount
                    + "/" + blockSize);
        }
    }

    /** A plan whose chunks are one block each: how every plan was made before blocks existed. */
    public ChunkPlan(long fileSize, long chunkSize, int chunkCount) {
        this(fileSize, chunkSize, chunkCount, chunkSize);
    }

    /** {@link #of(long, long, long)} with blocks of at least {@link #DEFAULT_MIN_BLOCK_SIZE}. */
    public static ChunkPlan of(long fileSize, long requestedChunkSize) {
        return of(fileSize, requestedChunkSize, DEFAULT_MIN_BLOCK_SIZE);
    }

    /**
     * Plans a file of {@code fileSize} bytes with chunks of {@code requestedChunkSize} bytes (or larger ones
     * when {@value #MAX_BLOCKS} chunks would not be enough), cut into blocks by the rule of this class.
     *
     * @throws InvalidArgument if a size is negative or the chunk size is 0 or over {@link #MAX_CHUNK_SIZE}
     * @throws TooLarge if the file exceeds {@link #MAX_FILE_SIZE}
     * @throws IllegalArgumentException if {@code minBlockSize} is less than 1
     */
    public static ChunkPlan of(long fileSize, long requestedChunkSize, long minBlockSize) {
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
        if (minBlockSize < 1) {
            throw new IllegalArgumentException("the smallest block must be 1 byte or more; got " + minBlockSize);
        }
        long chunkSize = requestedChunkSize;
        if (ceilDiv(fileSize, chunkSize) > MAX_BLOCKS) {
            long smallestFitting = ceilDiv(fileSize, MAX_BLOCKS);
            chunkSize = Math.min(MAX_CHUNK_SIZE, ceilDiv(smallestFitting, MIB) * MIB);
        }
        long target = Math.max(minBlockSize, ceilDiv(fileSize, MAX_BLOCKS));
        long blockSize = chunkSize;
        for (long parts = Math.min(chunkSize / target, MAX_BLOCKS); parts > 1; parts--) {
            if (chunkSize % parts == 0) {
                blockSize = chunkSize / parts;
                break;
            }
        }
        return new ChunkPlan(fileSize, chunkSize, (int) ceilDiv(fileSize, chunkSize), blockSize);
    }

    /**
     * This plan cut to a file of {@code length} bytes, with the same chunk and block size: the plan of an upload
     * whose length was deferred (planned for the largest file allowed) once its length is declared, and the plan
     * by which one of its blocks is staged before (the file up to that block's end).
     *
     * @throws IllegalArgumentException if {@code length} is negative or over this plan's file size
     */
    public ChunkPlan truncatedTo(long length) {
        if (length < 0 || length > fileSize) {
            throw new IllegalArgumentException("a plan of " + fileSize + " bytes cannot be cut to " + length);
        }
        return new ChunkPlan(length, chunkSize, (int) ceilDiv(length, chunkSize), blockSize);
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

    /** How many blocks the file has (at most {@value #MAX_BLOCKS}). */
    public int blockCount() {
        return (int) ceilDiv(fileSize, blockSize);
    }

    /** How many blocks a chunk of {@code chunkSize} bytes has; the last chunk may have fewer. */
    public int blocksPerChunk() {
        return (int) (chunkSize / blockSize);
    }

    /** The index of the first block of chunk {@code chunk}. */
    public int firstBlockOf(int chunk) {
        requireInRange(chunk);
        return chunk * blocksPerChunk();
    }

    /** How many blocks chunk {@code chunk} has. */
    public int blockCountOf(int chunk) {
        return (int) ceilDiv(lengthOf(chunk), blockSize);
    }

    /** The chunk that block {@code block} belongs to. */
    public int chunkOf(int block) {
        requireBlockInRange(block);
        return block / blocksPerChunk();
    }

    /** The byte offset in the file where block {@code block} starts. */
    public long blockOffset(int block) {
        requireBlockInRange(block);
        return blockSize * block;
    }

    /** The exact length of block {@code block}. */
    public long blockLength(int block) {
        requireBlockInRange(block);
        return Math.min(blockSize, fileSize - blockSize * block);
    }

    private void requireBlockInRange(int block) {
        if (block < 0 || block >= blockCount()) {
            throw new IllegalArgumentException("block " + block + " is outside a plan of " + blockCount() + " blocks");
        }
    }

    private static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }
}

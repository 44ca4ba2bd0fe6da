package dev.largeupload.domain.port;

/**
 * The open staging of one block, from {@link BlobStore#openBlock}: while it is open, no other staging of the
 * same block can change the bytes a commit of that block would take. Not thread-safe: one request uses it.
 */
public interface BlockStaging extends AutoCloseable {

    /**
     * Stages the block from {@code block.data()}, reading exactly {@code block.length()} bytes (the block's
     * planned length), and returns once they are durable. An MD5 in {@code block} is the client's digest of
     * exactly these bytes; a store that can have its backend verify it again (Azure's transactional MD5)
     * passes it on. When the stream throws, its exception passes through and the block is not staged by
     * this attempt (a store writing in place may have changed bytes of a block no record names).
     *
     * @throws IllegalStateException if called a second time
     */
    void write(BlockData block);

    /** Ends the staging, letting the next one of the same block begin; never throws. */
    @Override
    void close();
}

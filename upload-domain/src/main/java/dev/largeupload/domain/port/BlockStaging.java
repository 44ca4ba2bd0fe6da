package dev.largeupload.domain.port;

/**
 * The open staging of one block, from {@link BlobStore#openBlock}: while it is open, no other staging of the
 * same block can change the bytes a commit of that block would take. One request uses it: {@link #write} from
 * its thread, then {@link #makeDurable} and {@link #close} from that thread or one other, never at once.
 */
public interface BlockStaging extends AutoCloseable {

    /**
     * Stages the block from {@code block.data()}, reading exactly {@code block.length()} bytes (the block's
     * planned length). The bytes are durable only once {@link #makeDurable} returned, so a caller can read the
     * next block while the store makes this one durable. An MD5 in {@code block} is the client's digest of
     * exactly these bytes; a store that can have its backend verify it again (Azure's transactional MD5)
     * passes it on. When the stream throws, its exception passes through and the block is not staged by
     * this attempt (a store writing in place may have changed bytes of a block no record names).
     *
     * @throws IllegalStateException if called a second time
     */
    void write(BlockData block);

    /**
     * Returns once the bytes {@link #write} staged survive a crash of this server (a remote store that holds
     * them when {@code write} returns does nothing here).
     *
     * @throws dev.largeupload.domain.error.UploadException.StoreUnavailable if the store cannot make them durable
     * @throws IllegalStateException if nothing was written
     */
    void makeDurable();

    /** Ends the staging, letting the next one of the same block begin; never throws. */
    @Override
    void close();
}

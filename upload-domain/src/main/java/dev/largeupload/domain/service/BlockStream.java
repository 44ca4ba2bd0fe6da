package dev.largeupload.domain.service;

import dev.largeupload.domain.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * The next {@code length} bytes of a request body, as one block: it hands out exactly those bytes, has their
 * SHA-256 computed on the way (by the request's {@link HashLane}), and leaves the rest of the body for the next
 * block. Reading from it reads the
 * body ({@link VerifiedChunkStream}), which throws the domain's errors when the body is short, long or fails a
 * digest. Closing it does not close the body.
 */
final class BlockStream extends InputStream {

    private static final int DRAIN_BUFFER = 1 << 16;

    private final InputStream body;
    private final long length;
    private final HashLane lane;
    private final MessageDigest sha256 = Sha256.newDigest();
    private long read;
    private final byte[] one = new byte[1];

    BlockStream(InputStream body, long length, HashLane lane) {
        this.body = body;
        this.length = length;
        this.lane = lane;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        if (read == length) {
            return -1;
        }
        int n = body.read(buffer, offset, (int) Math.min(count, length - read));
        if (n > 0) {
            lane.update(sha256, buffer, offset, n);
            read += n;
        }
        return n;
    }

    /** Reads the rest of the block and throws it away (its bytes are checked with the body all the same). */
    void drain() throws IOException {
        byte[] buffer = new byte[(int) Math.min(DRAIN_BUFFER, Math.max(1, length))];
        while (read(buffer, 0, buffer.length) >= 0) {
            // Only the body's checks matter here.
        }
    }

    /**
     * The block's SHA-256, once its bytes are hashed; call it once.
     *
     * @throws IllegalStateException if the block has not been read whole
     */
    CompletableFuture<Sha256> sha256() {
        if (read != length) {
            throw new IllegalStateException("the block was read " + read + " of " + length + " bytes");
        }
        return lane.finish(sha256);
    }

    @Override
    public void close() {
        // The body belongs to the request.
    }
}

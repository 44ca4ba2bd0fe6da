package dev.largeupload.domain.service;

import dev.largeupload.domain.model.Sha256;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Computes the SHA-256 of a request's blocks on another thread, in the order the bytes were read, from copies
 * of them: the request's thread only reads from the client and writes to the store, and hashing (a third of the
 * server's work per byte) runs beside it on the other core. Memory is bounded per request: at most
 * {@value #BUFFERS} buffers of {@value #BUFFER} bytes; when the hashing falls behind, the request's thread waits
 * for a buffer to come back. Not thread-safe: one request's thread feeds it.
 */
final class HashLane {

    static final int BUFFER = 1024 * 1024;
    static final int BUFFERS = 2;

    private final Executor executor;
    /** Buffers the hashing thread gave back; guarded by itself. */
    private final ArrayDeque<byte[]> free = new ArrayDeque<>(BUFFERS);
    private int allocated;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    HashLane(Executor executor) {
        this.executor = executor;
    }

    /** Hands {@code length} bytes of {@code bytes} from {@code offset} to {@code digest}, after everything handed before. */
    void update(MessageDigest digest, byte[] bytes, int offset, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(BUFFER, length - done);
            byte[] copy = takeBuffer();
            System.arraycopy(bytes, offset + done, copy, 0, n);
            tail = tail.thenRunAsync(() -> {
                try {
                    digest.update(copy, 0, n);
                } finally {
                    giveBack(copy);
                }
            }, executor);
            done += n;
        }
    }

    /** The digest of everything handed to {@code digest} so far, once it is hashed; {@code digest} is reset. */
    CompletableFuture<Sha256> finish(MessageDigest digest) {
        CompletableFuture<Sha256> result = tail.thenApplyAsync(ignored -> Sha256.of(digest.digest()), executor);
        tail = result;
        return result;
    }

    private byte[] takeBuffer() {
        synchronized (free) {
            while (free.isEmpty()) {
                if (allocated < BUFFERS) {
                    allocated++;
                    return new byte[BUFFER];
                }
                try {
                    free.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the hashing of a block", e);
                }
            }
            return free.poll();
        }
    }

    private void giveBack(byte[] buffer) {
        synchronized (free) {
            free.push(buffer);
            free.notifyAll();
        }
    }
}

package dev.largeupload.domain.service;

import dev.largeupload.domain.model.Sha256;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes the SHA-256 of a request's blocks on another thread, in the order the bytes were read, from copies
 * of them: the request's thread only reads from the client and writes to the store, and hashing (a third of the
 * server's work per byte) runs beside it on the other core. The bytes of many small reads are gathered into one
 * buffer of {@value #BUFFER} bytes before it is handed over, so a hand-off costs little per byte. Memory is bounded
 * per request: at most {@value #BUFFERS} buffers (the one being filled included); when the hashing falls behind,
 * the request's thread waits for a buffer to come back. Buffers are kept between requests (at most
 * {@value #KEPT} in all), so a busy server does not allocate per request. Not thread-safe: one request's thread
 * feeds it.
 */
final class HashLane {

    /** Below half of G1's smallest region (1 MiB), so a buffer is never a humongous object. */
    static final int BUFFER = 256 * 1024;
    static final int BUFFERS = 4;
    static final int KEPT = 64;

    private static final ConcurrentLinkedQueue<byte[]> POOL = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOLED = new AtomicInteger();

    private final Executor executor;
    /** How many of this lane's buffers are out (being filled or hashed); guarded by {@link #lock}. */
    private int out;
    private final Object lock = new Object();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private byte[] filling;
    private int filled;
    private MessageDigest fillingFor;

    HashLane(Executor executor) {
        this.executor = executor;
    }

    /** Hands {@code length} bytes of {@code bytes} from {@code offset} to {@code digest}, after everything handed before. */
    void update(MessageDigest digest, byte[] bytes, int offset, int length) {
        if (fillingFor != null && fillingFor != digest) {
            handOver();
        }
        while (length > 0) {
            if (filling == null) {
                filling = takeBuffer();
                filled = 0;
                fillingFor = digest;
            }
            int n = Math.min(BUFFER - filled, length);
            System.arraycopy(bytes, offset, filling, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == BUFFER) {
                handOver();
            }
        }
    }

    /** The digest of everything handed to {@code digest} so far, once it is hashed; {@code digest} is reset. */
    CompletableFuture<Sha256> finish(MessageDigest digest) {
        handOver();
        CompletableFuture<Sha256> result = tail.thenApplyAsync(ignored -> Sha256.of(digest.digest()), executor);
        tail = result;
        return result;
    }

    /** Queues the buffer being filled for hashing. */
    private void handOver() {
        if (filling == null) {
            return;
        }
        byte[] copy = filling;
        int n = filled;
        MessageDigest digest = fillingFor;
        filling = null;
        fillingFor = null;
        filled = 0;
        tail = tail.thenRunAsync(() -> {
            try {
                digest.update(copy, 0, n);
            } finally {
                giveBack(copy);
            }
        }, executor);
    }

    private byte[] takeBuffer() {
        synchronized (lock) {
            while (out == BUFFERS) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the hashing of a block", e);
                }
            }
            out++;
        }
        byte[] kept = POOL.poll();
        if (kept != null) {
            POOLED.decrementAndGet();
            return kept;
        }
        return new byte[BUFFER];
    }

    private void giveBack(byte[] buffer) {
        if (POOLED.incrementAndGet() <= KEPT) {
            POOL.offer(buffer);
        } else {
            POOLED.decrementAndGet();
        }
        synchronized (lock) {
            out--;
            lock.notifyAll();
        }
    }
}

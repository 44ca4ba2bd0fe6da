package dev.largeupload.domain.service;

import dev.largeupload.domain.port.BlockStaging;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * Makes the blocks of one request durable and records them, one after another in the order they were staged, on
 * an {@link Executor}, while the request's thread reads the next block from the client: the time a store takes
 * to force a block to disk overlaps the transfer instead of adding to it. A block is recorded only after it is
 * durable, and only if every block before it was; each staging is closed once its step ended, whatever happened.
 * Not thread-safe: one request's thread submits and finishes.
 */
final class BlockRecorder {

    private final Executor executor;
    private CompletableFuture<Integer> tail;

    BlockRecorder(Executor executor, int receivedBlocks) {
        this.executor = executor;
        this.tail = CompletableFuture.completedFuture(receivedBlocks);
    }

    /** After the blocks submitted before: makes {@code staging}'s bytes durable, runs {@code record}, closes it. */
    void submit(BlockStaging staging, IntSupplier record) {
        tail = tail.handleAsync((count, failure) -> {
            try {
                if (failure != null) {
                    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                }
                staging.makeDurable();
                return record.getAsInt();
            } finally {
                staging.close();
            }
        }, executor);
    }

    /** Throws now the failure of a step that already ended badly, so the request stops reading. */
    void throwIfFailed() {
        if (tail.isCompletedExceptionally()) {
            finish();
        }
    }

    /**
     * Waits for every submitted step.
     *
     * @return how many blocks the store holds after the last record (or as given, when nothing was recorded)
     * @throws RuntimeException what the first failed step threw
     */
    int finish() {
        try {
            return tail.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Waits for every submitted step when the request failed already; adds a step's failure to {@code primary}. */
    void finishAfter(Throwable primary) {
        try {
            finish();
        } catch (RuntimeException | Error e) {
            if (e != primary) {
                primary.addSuppressed(e);
            }
        }
    }
}

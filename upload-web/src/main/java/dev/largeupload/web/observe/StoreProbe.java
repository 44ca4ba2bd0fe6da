package dev.largeupload.web.observe;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One store's availability check, run on an executor's thread and awaited at most {@code timeout}.
 * While a check hangs, later probes wait for that same check rather than start another, so a hung
 * store holds at most one thread however often it is probed.
 */
final class StoreProbe {

    private final Runnable check;
    private final Executor executor;
    private final Duration timeout;
    private CompletableFuture<Void> running;

    StoreProbe(Runnable check, Executor executor, Duration timeout) {
        this.check = check;
        this.executor = executor;
        this.timeout = timeout;
    }

    /** Empty when the store answered in time, else why not (the port's message, which names no secret). */
    Optional<String> probe() {
        try {
            start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private synchronized CompletableFuture<Void> start() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.runAsync(check, executor);
        }
        return running;
    }
}

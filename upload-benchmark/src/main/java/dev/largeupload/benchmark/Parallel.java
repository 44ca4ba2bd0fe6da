package dev.largeupload.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks {@code 0..count-1} with a fixed number in flight, each worker taking the next index
 * as soon as its previous one is done, and times every task and the whole run.
 */
final class Parallel {

    /** What one worker does for one index; {@code worker} is 0..inFlight-1 (for per-worker clients). */
    @FunctionalInterface
    interface Task {
        void run(int worker, int index) throws Exception;
    }

    /** The wall time of the run and the time of every task, in nanoseconds. */
    record Timing(long wallNanos, long[] taskNanos) {

        double seconds() {
            return wallNanos / 1e9;
        }

        /** The {@code q}-quantile (0..1) of the task times, in milliseconds (nearest rank). */
        double quantileMillis(double q) {
            return quantileMillis(q, 0, taskNanos.length);
        }

        /** The {@code q}-quantile of the times of tasks {@code from..to-1} (tasks start in index order). */
        double quantileMillis(double q, int from, int to) {
            long[] sorted = Arrays.copyOfRange(taskNanos, from, to);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
        }
    }

    private Parallel() {
    }

    /**
     * Runs every index; the first failure stops the run and is thrown.
     *
     * @throws IllegalStateException carrying the first task's failure
     */
    static Timing run(int count, int inFlight, Task task) {
        long[] taskNanos = new long[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(inFlight);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < inFlight; w++) {
                int worker = w;
                running.add(workers.submit(() -> {
                    for (int index = next.getAndIncrement(); index < count; index = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        task.run(worker, index);
                        taskNanos[index] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    next.set(count);
                    throw new IllegalStateException("a task failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
            return new Timing(System.nanoTime() - start, taskNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            workers.shutdownNow();
        }
    }
}

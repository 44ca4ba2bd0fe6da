package dev.largeupload.benchmark;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body of known length for {@link java.net.http.HttpClient}, handed over as slices of
 * memory that already holds the bytes (a shared buffer, a mapped file): it honours demand, never
 * copies and never holds more than one slice of its own. Every subscription starts from byte 0.
 */
final class SlicedPublisher implements HttpRequest.BodyPublisher {

    /** The bytes of the body from {@code offset}: at least one and at most {@code max} of them. */
    @FunctionalInterface
    interface Slices {
        ByteBuffer at(long offset, int max);
    }

    private final long length;
    private final int sliceSize;
    private final Slices slices;

    SlicedPublisher(long length, int sliceSize, Slices slices) {
        this.length = length;
        this.sliceSize = sliceSize;
        this.slices = slices;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            private final AtomicLong demand = new AtomicLong();
            private final AtomicInteger work = new AtomicInteger();
            private volatile boolean cancelled;
            private long sent;
            private boolean done;

            @Override
            public void request(long n) {
                if (n <= 0) {
                    cancelled = true;
                    subscriber.onError(new IllegalArgumentException("non-positive request " + n));
                    return;
                }
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                drain();
            }

            @Override
            public void cancel() {
                cancelled = true;
            }

            // One thread emits at a time; a request() from inside onNext only adds demand to this loop.
            private void drain() {
                if (work.getAndIncrement() != 0) {
                    return;
                }
                do {
                    while (!cancelled && !done && sent < length && demand.get() > 0) {
                        ByteBuffer slice = slices.at(sent, (int) Math.min(sliceSize, length - sent));
                        sent += slice.remaining();
                        demand.decrementAndGet();
                        subscriber.onNext(slice);
                    }
                    if (!cancelled && !done && sent == length) {
                        done = true;
                        subscriber.onComplete();
                    }
                } while (work.decrementAndGet() != 0);
            }
        });
    }
}

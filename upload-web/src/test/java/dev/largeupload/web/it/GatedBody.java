package dev.largeupload.web.it;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A request body that stops after its first {@code gateAt} bytes and waits until the test opens
 * the gate: a chunk caught in flight, for tests of what a server does when it stops or dies meanwhile.
 */
final class GatedBody {

    private final CountDownLatch atGate = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    private final Path file;
    private final long offset;
    private final long length;
    private final long gateAt;

    GatedBody(Path file, long offset, long length, long gateAt) {
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.gateAt = gateAt;
    }

    long length() {
        return length;
    }

    Supplier<InputStream> supplier() {
        return () -> new FilterInputStream(UploadClient.slice(file, offset, length).get()) {
            private long sent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent == gateAt) {
                    atGate.countDown();
                    try {
                        open.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted at the gate");
                    }
                }
                int allowed = sent < gateAt ? (int) Math.min(len, gateAt - sent) : len;
                int n = super.read(b, off, allowed);
                if (n > 0) {
                    sent += n;
                }
                return n;
            }
        };
    }

    /** Waits until the client has handed over the first {@code gateAt} bytes and asks for more. */
    void awaitGate() throws InterruptedException {
        if (!atGate.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the client never reached byte " + gateAt + " of the body");
        }
    }

    /** Lets the rest of the body go. */
    void open() {
        open.countDown();
    }
}

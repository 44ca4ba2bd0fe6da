package dev.largeupload.web.it;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A request body (a slice of a file) that stops after its first {@code holdAt} bytes, counts down
 * {@code held}, and goes on only when {@code go} opens: a transfer a test keeps in flight for as
 * long as it needs, with no sleeping.
 */
final class HeldBody {

    private static final Duration LONGEST_HOLD = Duration.ofMinutes(2);

    private HeldBody() {
    }

    static Supplier<InputStream> of(Path file, long offset, long length, long holdAt, CountDownLatch held, CountDownLatch go) {
        return () -> new FilterInputStream(UploadClient.slice(file, offset, length).get()) {
            private long sent;
            private boolean waited;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int wanted) throws IOException {
                if (sent == holdAt && !waited) {
                    waited = true;
                    held.countDown();
                    try {
                        if (!go.await(LONGEST_HOLD.toSeconds(), TimeUnit.SECONDS)) {
                            throw new InterruptedIOException("held longer than " + LONGEST_HOLD);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while held");
                    }
                }
                int n = super.read(buffer, offset, waited ? wanted : (int) Math.min(wanted, holdAt - sent));
                if (n > 0) {
                    sent += n;
                }
                return n;
            }
        };
    }
}

package dev.largeupload.web.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Request bodies (slices of a file) that count, together, the bytes they hand to the HTTP client,
 * and stop handing out bytes once that count reaches a chosen position, until {@link #release()}.
 * A test uses it to act (kill the server, cut a store) at an exact point of a transfer: when the
 * client has sent that many bytes, with every body that was open still open. The count is
 * cumulative from {@code sentBefore}, so one upload can be interrupted at several positions.
 */
final class ByteTrigger {

    private final long holdAt;
    private long sent;
    private boolean released;
    private int open;
    private int finished;

    /**
     * @param sentBefore the bytes already counted (by earlier triggers of the same transfer)
     * @param holdAt     the cumulative position at which every body stops
     */
    ByteTrigger(long sentBefore, long holdAt) {
        if (holdAt <= sentBefore) {
            throw new IllegalArgumentException("hold position " + holdAt + " is not after " + sentBefore);
        }
        this.sent = sentBefore;
        this.holdAt = holdAt;
    }

    /** A body of {@code length} bytes of {@code file} from {@code offset}, counted here and in {@code attempt}. */
    Supplier<InputStream> body(Path file, long offset, long length, AtomicLong attempt) {
        return () -> new Counted(UploadClient.slice(file, offset, length).get(), length, attempt);
    }

    /**
     * Waits until the bodies stopped at the position with as many of them open (started, not
     * finished) as the client sends at once: {@code parallelism}, or all of the {@code bodies}
     * of this transfer that are not finished yet when fewer are left. So a test acts with several
     * transfers in flight whenever several are left.
     *
     * @throws AssertionError if that does not happen before {@code timeout}
     */
    synchronized void awaitHeld(int parallelism, int bodies, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (sent < holdAt || open < Math.min(parallelism, bodies - finished)) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw new AssertionError("the transfer did not reach byte " + holdAt + " with enough bodies open within "
                        + timeout + ": sent " + sent + ", open " + open + ", finished " + finished + " of " + bodies);
            }
            wait(left);
        }
    }

    /** Lets every body go on. */
    synchronized void release() {
        released = true;
        notifyAll();
    }

    /** The bytes counted so far (from the start of the transfer). */
    synchronized long sent() {
        return sent;
    }

    /** The bodies started and not yet finished or closed. */
    synchronized int open() {
        return open;
    }

    private synchronized void opened() {
        open++;
        notifyAll();
    }

    private synchronized void ended(boolean whole) {
        open--;
        if (whole) {
            finished++;
        }
        notifyAll();
    }

    /** Claims up to {@code wanted} bytes, waiting while the bodies are held. */
    private synchronized int claim(int wanted) throws InterruptedIOException {
        while (!released && sent >= holdAt) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while held at byte " + holdAt);
            }
        }
        int n = released ? wanted : (int) Math.min(wanted, holdAt - sent);
        sent += n;
        notifyAll();
        return n;
    }

    private synchronized void giveBack(int n) {
        sent -= n;
    }

    private final class Counted extends InputStream {
        private final InputStream source;
        private final AtomicLong attempt;
        private long left;
        private boolean ended;

        Counted(InputStream source, long length, AtomicLong attempt) {
            this.source = source;
            this.left = length;
            this.attempt = attempt;
            opened();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0) {
                end();
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int claimed = claim((int) Math.min(length, left));
            int n = source.read(buffer, offset, claimed);
            if (n < claimed) {
                giveBack(claimed - Math.max(n, 0));
            }
            if (n < 0) {
                end();
                return -1;
            }
            left -= n;
            attempt.addAndGet(n);
            if (left == 0) {
                end();
            }
            return n;
        }

        private void end() {
            if (!ended) {
                ended = true;
                ended(left == 0);
            }
        }

        @Override
        public void close() throws IOException {
            end();
            source.close();
        }
    }
}

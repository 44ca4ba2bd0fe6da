package dev.largeupload.web.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that may be read up to a limit and no further: reading past it fails with
 * {@link TooLarge} as soon as the first byte over the limit arrives, so a body is refused while it is
 * read, whatever it declared, and never more than {@code limit + 1} bytes of it are taken in.
 */
public final class BoundedBody extends FilterInputStream {

    /** The body went past the limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("The body is longer than " + limit + " bytes.");
        }
    }

    private final long limit;
    private long read;
    private boolean exceeded;

    public BoundedBody(InputStream body, long limit) {
        super(body);
        this.limit = limit;
    }

    /** Whether a read went past the limit (also when a parser swallowed the {@link TooLarge}). */
    public boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (exceeded) {
            throw new TooLarge(limit);
        }
        // Never ask for more than one byte past the limit: that byte alone proves the body too long.
        int n = super.read(buffer, offset, (int) Math.min(length, limit + 1 - read));
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, limit + 1 - read));
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws TooLarge {
        read += n;
        if (read > limit) {
            exceeded = true;
            throw new TooLarge(limit);
        }
    }
}

package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.usecase.BodyChecksum;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The body of one append, handed out in parts of exact lengths (one per block or piece), with the digests a
 * checksum needs computed over every byte of it. A body that announced its length and ends early broke off
 * ({@link TransferInterrupted}); one of unknown length that ends inside a part throws {@link Ended}, which tells
 * the append where the body stopped. The request's I/O failures become {@link TransferInterrupted}.
 */
final class AppendBody {

    private static final int DRAIN_BUFFER = 1 << 16;

    private final InputStream in;
    private final Map<String, MessageDigest> digests = new HashMap<>();
    private final boolean knownLength;

    AppendBody(InputStream in, Set<String> algorithms, boolean knownLength) {
        this.in = in;
        this.knownLength = knownLength;
        for (String algorithm : algorithms) {
            try {
                digests.put(algorithm, MessageDigest.getInstance(BodyChecksum.javaName(algorithm)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is required by every Java platform", e);
            }
        }
    }

    /** The end of a body of unknown length inside a part: what was read of that part is not kept. */
    static final class Ended extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Ended() {
            super("the body ended inside a block", null, false, false);
        }
    }

    /** Whether {@code failure}, or a cause of it (a store may wrap what the stream threw), is {@link Ended}. */
    static boolean endedEarly(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Ended) {
                return true;
            }
        }
        return false;
    }

    /** The next {@code length} bytes of the body, for block {@code block}. */
    InputStream part(int block, long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
                if (count == 0) {
                    return 0;
                }
                if (left == 0) {
                    return -1;
                }
                int n = readBody(block, buffer, offset, (int) Math.min(count, left));
                if (n < 0) {
                    if (knownLength) {
                        throw new TransferInterrupted(block, false, null);
                    }
                    throw new Ended();
                }
                left -= n;
                return n;
            }
        };
    }

    /** Reads {@code part} to its end; {@code false} when a body of unknown length ended inside it. */
    boolean drain(InputStream part) {
        byte[] buffer = new byte[DRAIN_BUFFER];
        try {
            while (part.read(buffer, 0, buffer.length) >= 0) {
                // Only the checksum's digests need these bytes.
            }
            return true;
        } catch (Ended e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("a part of a body throws no I/O failure of its own", e);
        }
    }

    /** @throws TooLarge if a body of unknown length goes on past the file's {@code end} */
    void requireEnded(long end) {
        byte[] one = new byte[1];
        if (readBody(-1, one, 0, 1) >= 0) {
            throw new TooLarge("The body of an append", end + 1, end);
        }
    }

    /** The digest of every byte read, by {@code algorithm} (one of those asked for). */
    byte[] digest(String algorithm) {
        return digests.get(algorithm).digest();
    }

    private int readBody(int block, byte[] buffer, int offset, int count) {
        int n;
        try {
            n = in.read(buffer, offset, count);
        } catch (InterruptedIOException e) {
            throw new TransferInterrupted(block, true, e);
        } catch (IOException e) {
            throw new TransferInterrupted(block, false, e);
        }
        if (n > 0) {
            for (MessageDigest digest : digests.values()) {
                digest.update(buffer, offset, n);
            }
        }
        return n;
    }
}

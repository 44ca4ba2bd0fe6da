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
 * The body of one append, handed out in parts (one per block or piece), with the digests a checksum needs
 * computed over every byte of it. A {@link #part} has an exact length: a body that ends inside it broke off
 * ({@link TransferInterrupted}); a {@link #partUpTo} of a body of unknown length ends where the body ends. The
 * request's I/O failures become {@link TransferInterrupted}.
 */
final class AppendBody {

    private static final int DRAIN_BUFFER = 1 << 16;

    private final InputStream in;
    private final Map<String, MessageDigest> digests = new HashMap<>();

    AppendBody(InputStream in, Set<String> algorithms) {
        this.in = in;
        for (String algorithm : algorithms) {
            try {
                digests.put(algorithm, MessageDigest.getInstance(BodyChecksum.javaName(algorithm)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is required by every Java platform", e);
            }
        }
    }

    /** The next {@code length} bytes of the body, for block {@code block}. */
    InputStream part(int block, long length) {
        return part(block, length, false);
    }

    /**
     * The next bytes of a body of unknown length, for block {@code block}: at most {@code length}, and fewer,
     * ending normally, when the body ends first.
     */
    InputStream partUpTo(int block, long length) {
        return part(block, length, true);
    }

    private InputStream part(int block, long length, boolean endsWithBody) {
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
                    if (endsWithBody) {
                        left = 0;
                        return -1;
                    }
                    throw new TransferInterrupted(block, false, null);
                }
                left -= n;
                return n;
            }
        };
    }

    /** Reads {@code part} to its end. */
    void drain(InputStream part) {
        byte[] buffer = new byte[DRAIN_BUFFER];
        try {
            while (part.read(buffer, 0, buffer.length) >= 0) {
                // Only the checksum's digests need these bytes.
            }
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

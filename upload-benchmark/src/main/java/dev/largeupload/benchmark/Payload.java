package dev.largeupload.benchmark;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes every case sends: one fixed buffer of random bytes (fixed seed), repeated as often as
 * a chunk needs. Nothing is read from disk and nothing of a chunk's size is ever allocated, so the
 * sender's own cost stays small and equal for the server and its baselines. Every chunk of a given
 * length has the same content, so its digests are computed once per length.
 */
final class Payload {

    static final int BUFFER_SIZE = 8 * 1024 * 1024;
    /** How much of the buffer one {@code onNext} or one write hands over. */
    static final int SLICE = 256 * 1024;

    private final byte[] buffer;
    private final Map<Long, Digests> digests = new ConcurrentHashMap<>();

    /** The Base64 header values of one chunk's MD5 ({@code Content-MD5}) and SHA-256 ({@code Content-Digest}). */
    record Digests(String contentMd5, String contentDigest) {
    }

    Payload() {
        buffer = new byte[BUFFER_SIZE];
        new Random(20_972L).nextBytes(buffer);
    }

    /** A body of {@code length} bytes for {@link java.net.http.HttpClient}, handed over in slices of the shared buffer. */
    HttpRequest.BodyPublisher publisher(long length) {
        return new SlicedPublisher(length, SLICE, (offset, max) -> slice(offset, length - offset, max));
    }

    /** The same bytes as an {@link InputStream} (for the Azure SDK). */
    InputStream stream(long length) {
        return new RepeatingInputStream(buffer, length);
    }

    /** The bytes of a body at {@code offset}: the buffer from {@code offset % BUFFER_SIZE}, at most {@code max} bytes. */
    ByteBuffer slice(long offset, long remaining, int max) {
        int start = (int) (offset % BUFFER_SIZE);
        int n = (int) Math.min(Math.min(max, remaining), BUFFER_SIZE - start);
        return ByteBuffer.wrap(buffer, start, n);
    }

    /** The digest headers of a chunk of {@code length} bytes, computed on first use and kept. */
    Digests digests(long length) {
        return digests.computeIfAbsent(length, this::compute);
    }

    private Digests compute(long length) {
        MessageDigest md5 = digest("MD5");
        MessageDigest sha256 = digest("SHA-256");
        for (long done = 0; done < length; ) {
            ByteBuffer slice = slice(done, length - done, BUFFER_SIZE);
            int n = slice.remaining();
            md5.update(slice.duplicate());
            sha256.update(slice);
            done += n;
        }
        Base64.Encoder base64 = Base64.getEncoder();
        return new Digests(base64.encodeToString(md5.digest()), "sha-256=:" + base64.encodeToString(sha256.digest()) + ":");
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    /** {@code length} bytes of the repeated buffer. */
    private static final class RepeatingInputStream extends InputStream {

        private final byte[] buffer;
        private final long length;
        private long position;

        RepeatingInputStream(byte[] buffer, long length) {
            this.buffer = buffer;
            this.length = length;
        }

        @Override
        public int read() {
            if (position >= length) {
                return -1;
            }
            return buffer[(int) (position++ % buffer.length)] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int count) {
            Objects.checkFromIndexSize(offset, count, target.length);
            if (count == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            int start = (int) (position % buffer.length);
            int n = (int) Math.min(Math.min(count, length - position), buffer.length - start);
            System.arraycopy(buffer, start, target, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, length - position);
        }
    }
}

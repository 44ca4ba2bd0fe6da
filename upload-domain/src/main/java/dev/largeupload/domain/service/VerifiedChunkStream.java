package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.largeupload.domain.model.Sha256;
import java.util.Base64;

/**
 * A request body seen as exactly the bytes of one chunk (or of the part of it the request carries). It hands
 * out at most that length and, at the moment the last byte arrives and before it is handed out, checks that
 * the body ends there and that the client's digests of the body match; otherwise {@code read} throws the
 * domain error, so a store that is reading it never sees a clean end of a wrong body. It computes a digest
 * only where the client sent one to check. A failure of the client's connection becomes
 * {@link TransferInterrupted}, kept apart from the store's own I/O errors.
 */
final class VerifiedChunkStream extends InputStream {

    private final InputStream source;
    private final int index;
    private final long expected;
    private final MessageDigest md5;
    private final byte[] expectedMd5;
    private final MessageDigest sha256;
    private final Sha256 expectedSha256;
    private long received;
    private boolean verified;

    VerifiedChunkStream(InputStream source, int index, long expected, ClientDigests client) {
        this.source = source;
        this.index = index;
        this.expected = expected;
        this.expectedMd5 = client.md5().orElse(null);
        this.md5 = this.expectedMd5 == null ? null : newMd5();
        this.expectedSha256 = client.sha256().orElse(null);
        this.sha256 = this.expectedSha256 == null ? null : Sha256.newDigest();
    }

    /**
     * Checks that the body ended where it should and that its digests matched (reading one more byte when the
     * last one has not been asked for yet).
     *
     * @throws IllegalStateException if fewer bytes than the expected length were read
     */
    void requireVerified() {
        if (received != expected) {
            throw new IllegalStateException("chunk " + index + " was not read whole");
        }
        verifyEnd();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (received == expected) {
            verifyEnd();
            return -1;
        }
        int n = readSource(buffer, offset, (int) Math.min(length, expected - received));
        if (n < 0) {
            throw new ChunkLengthMismatch(index, expected, "the body ended after " + received + " bytes");
        }
        if (md5 != null) {
            md5.update(buffer, offset, n);
        }
        if (sha256 != null) {
            sha256.update(buffer, offset, n);
        }
        received += n;
        if (received == expected) {
            verifyEnd();
        }
        return n;
    }

    private void verifyEnd() {
        if (verified) {
            return;
        }
        int extra = readSource(new byte[1], 0, 1);
        if (extra > 0) {
            throw new ChunkLengthMismatch(index, expected, "the body is longer");
        }
        if (md5 != null && !MessageDigest.isEqual(md5.digest(), expectedMd5)) {
            throw new ChecksumMismatch("Chunk " + index + " does not match its Content-MD5 "
                    + Base64.getEncoder().encodeToString(expectedMd5) + "; it was not stored.");
        }
        if (sha256 != null && !Sha256.of(sha256.digest()).equals(expectedSha256)) {
            throw new ChecksumMismatch("Chunk " + index + " does not match its Content-Digest sha-256=:"
                    + expectedSha256.base64() + ":; it was not stored.");
        }
        verified = true;
    }

    private int readSource(byte[] buffer, int offset, int length) {
        try {
            int n;
            do {
                n = source.read(buffer, offset, length);
            } while (n == 0);
            return n;
        } catch (InterruptedIOException e) {
            throw new TransferInterrupted(index, true, e);
        } catch (IOException e) {
            throw new TransferInterrupted(index, false, e);
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }
}

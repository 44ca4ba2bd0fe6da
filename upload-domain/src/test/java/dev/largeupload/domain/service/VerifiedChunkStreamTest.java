package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifiedChunkStreamTest {

    private static final byte[] TEN = "0123456789".getBytes(StandardCharsets.US_ASCII);

    /** A source that counts the bytes taken from it and gives at most {@code maxPerRead} per read. */
    private static final class CountingSource extends InputStream {
        private final ByteArrayInputStream data;
        private final int maxPerRead;
        long consumed;
        boolean closed;

        CountingSource(byte[] bytes, int maxPerRead) {
            this.data = new ByteArrayInputStream(bytes);
            this.maxPerRead = maxPerRead;
        }

        CountingSource(byte[] bytes) {
            this(bytes, Integer.MAX_VALUE);
        }

        @Override
        public int read() {
            int b = data.read();
            if (b >= 0) {
                consumed++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = data.read(b, off, Math.min(len, maxPerRead));
            if (n > 0) {
                consumed += n;
            }
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A source that gives {@code before} and then fails with {@code failure}. */
    private static InputStream failingAfter(byte[] before, IOException failure) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                if (position < before.length) {
                    return before[position++] & 0xff;
                }
                throw failure;
            }
        };
    }

    private static VerifiedChunkStream stream(InputStream source, long expected) {
        return new VerifiedChunkStream(source, 7, expected, ClientDigests.NONE);
    }

    private static VerifiedChunkStream stream(InputStream source, long expected, byte[] md5) {
        return new VerifiedChunkStream(source, 7, expected, new ClientDigests(Optional.of(md5), Optional.empty()));
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void exactBody_isHandedOutWholeThenEnds() throws IOException {
        CountingSource source = new CountingSource(TEN);

        byte[] read = stream(source, 10).readAllBytes();

        assertArrayEquals(TEN, read);
    }

    @Test
    void exactBody_arrivingOneByteAtATime_isHandedOutWhole() throws IOException {
        assertArrayEquals(TEN, stream(new CountingSource(TEN, 1), 10).readAllBytes());
    }

    @Test
    void exactBody_readByteByByte_endsWithMinusOne() throws IOException {
        VerifiedChunkStream in = stream(new CountingSource(TEN), 10);
        for (byte expected : TEN) {
            assertEquals(expected & 0xff, in.read());
        }
        assertEquals(-1, in.read());
        assertEquals(-1, in.read());
    }

    @Test
    void shortBody_isALengthMismatch() {
        VerifiedChunkStream in = stream(new CountingSource(Arrays.copyOf(TEN, 5)), 10);

        ChunkLengthMismatch e = assertThrows(ChunkLengthMismatch.class, in::readAllBytes);

        assertEquals("upload.chunk-length-mismatch", e.code());
        assertEquals(10, e.expected());
    }

    @Test
    void longerBody_isALengthMismatch_readingAtMostOneBytePastTheChunk() {
        CountingSource source = new CountingSource(new byte[10_000]);
        VerifiedChunkStream in = stream(source, 10);

        assertThrows(ChunkLengthMismatch.class, () -> in.readNBytes(new byte[8192], 0, 8192));

        assertTrue(source.consumed <= 11, "read " + source.consumed + " bytes of the source");
    }

    @Test
    void longerBody_neverHandsOutAllOfTheChunkLength() throws IOException {
        VerifiedChunkStream in = stream(new CountingSource(new byte[11], 1), 10);
        int handedOut = 0;
        byte[] buffer = new byte[3];
        try {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) > 0) {
                handedOut += n;
            }
        } catch (ChunkLengthMismatch expected) {
            assertTrue(handedOut < 10, "handed out " + handedOut + " bytes before refusing");
            return;
        }
        throw new AssertionError("a body one byte too long ended cleanly");
    }

    @Test
    void matchingMd5_passes() throws IOException {
        assertArrayEquals(TEN, stream(new CountingSource(TEN), 10, md5(TEN)).readAllBytes());
    }

    @Test
    void wrongMd5_isAChecksumMismatchBeforeTheLastBytesAreHandedOut() throws IOException {
        byte[] wrong = md5("something else".getBytes(StandardCharsets.US_ASCII));
        VerifiedChunkStream in = stream(new CountingSource(TEN), 10, wrong);
        byte[] buffer = new byte[4];

        assertEquals(4, in.read(buffer, 0, 4));
        assertEquals(4, in.read(buffer, 0, 4));
        ChecksumMismatch e = assertThrows(ChecksumMismatch.class, () -> in.read(buffer, 0, 4));

        assertEquals("upload.checksum-mismatch", e.code());
    }

    @Test
    void wrongMd5_neverEndsCleanly() {
        byte[] wrong = md5(TEN);
        wrong[0] ^= 1;
        VerifiedChunkStream in = stream(new CountingSource(TEN), 10, wrong);

        assertThrows(ChecksumMismatch.class, in::readAllBytes);
        assertThrows(ChecksumMismatch.class, in::read);
    }

    @Test
    void sourceIOException_isATransferInterruption_notATimeout() {
        IOException reset = new IOException("connection reset");
        VerifiedChunkStream in = stream(failingAfter(new byte[3], reset), 10);

        TransferInterrupted e = assertThrows(TransferInterrupted.class, in::readAllBytes);

        assertFalse(e.timedOut());
        assertSame(reset, e.getCause());
        assertEquals("upload.transfer-interrupted", e.code());
    }

    @Test
    void sourceSocketTimeout_isATransferInterruptionThatTimedOut() {
        VerifiedChunkStream in = stream(failingAfter(new byte[3], new SocketTimeoutException("read timed out")), 10);

        TransferInterrupted e = assertThrows(TransferInterrupted.class, in::readAllBytes);

        assertTrue(e.timedOut());
    }

    @Test
    void sourceFailingWhileCheckingForExtraBytes_isATransferInterruption() {
        VerifiedChunkStream in = stream(failingAfter(TEN, new IOException("reset")), 10);

        assertThrows(TransferInterrupted.class, in::readAllBytes);
    }

    @Test
    void zeroLengthChunk_withEmptyBody_endsAtOnce() throws IOException {
        assertEquals(-1, stream(new CountingSource(new byte[0]), 0).read());
        assertEquals(0, stream(new CountingSource(new byte[0]), 0, md5(new byte[0])).readAllBytes().length);
    }

    @Test
    void zeroLengthChunk_withABody_isALengthMismatch() {
        CountingSource source = new CountingSource(TEN);

        assertThrows(ChunkLengthMismatch.class, () -> stream(source, 0).read());
        assertEquals(1, source.consumed);
    }

    @Test
    void zeroLengthChunk_withWrongMd5_isAChecksumMismatch() {
        assertThrows(ChecksumMismatch.class, () -> stream(new CountingSource(new byte[0]), 0, md5(TEN)).read());
    }

    @Test
    void readOfNothing_readsNothing() throws IOException {
        CountingSource source = new CountingSource(TEN);

        assertEquals(0, stream(source, 10).read(new byte[4], 0, 0));
        assertEquals(0, source.consumed);
    }

    @Test
    void close_closesTheSource() throws IOException {
        CountingSource source = new CountingSource(TEN);

        stream(source, 10).close();

        assertTrue(source.closed);
    }
}

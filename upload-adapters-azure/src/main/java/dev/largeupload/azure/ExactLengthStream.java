package dev.largeupload.azure;

import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A chunk's stream as the Azure SDK reads it: exactly {@code length} bytes and never more, a stream
 * that ends early is a {@link ChunkLengthMismatch}, and a failure of the client's stream is a
 * {@link TransferInterrupted}. These are thrown from {@code read}, so the upload to Azure is aborted
 * before it is whole (Azure keeps nothing of an incomplete body) and {@link AzureErrors} finds the
 * domain error again in whatever the SDK throws.
 */
final class ExactLengthStream extends InputStream {

    private final InputStream client;
    private final int index;
    private final long length;
    private long position;

    ExactLengthStream(InputStream client, int index, long length) {
        this.client = client;
        this.index = index;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int n;
        try {
            n = client.read(buffer, offset, (int) Math.min(count, length - position));
        } catch (InterruptedIOException e) {
            throw new TransferInterrupted(index, true, e);
        } catch (IOException e) {
            throw new TransferInterrupted(index, false, e);
        }
        if (n < 0) {
            throw new ChunkLengthMismatch(index, length, "the stream ended after " + position + " bytes");
        }
        position += n;
        return n;
    }

    @Override
    public int available() {
        try {
            return (int) Math.min(client.available(), length - position);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        // The caller owns the client's stream and closes it.
    }
}

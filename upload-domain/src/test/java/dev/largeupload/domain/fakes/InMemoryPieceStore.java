package dev.largeupload.domain.fakes;

import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.PieceStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** A {@link PieceStore} in memory, for tests of the domain; pieces of a blob live until deleted. */
public final class InMemoryPieceStore implements PieceStore {

    private final Map<String, byte[]> pieces = new HashMap<>();

    private static String key(BlobName blob, int block, StagingAttempt attempt) {
        return blob.value() + "/" + block + "/" + attempt.hex();
    }

    @Override
    public long writePiece(BlobName blob, int block, StagingAttempt attempt, InputStream data, long maxLength) {
        byte[] bytes;
        try {
            bytes = data.readNBytes((int) maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            pieces.put(key(blob, block, attempt), bytes);
        }
        return bytes.length;
    }

    @Override
    public synchronized InputStream openPiece(BlobName blob, int block, StagingAttempt attempt, long length) {
        byte[] bytes = pieces.get(key(blob, block, attempt));
        if (bytes == null || bytes.length < length) {
            throw new NotFound(blob.value());
        }
        return new ByteArrayInputStream(bytes, 0, (int) length);
    }

    @Override
    public synchronized void deletePiece(BlobName blob, int block, StagingAttempt attempt) {
        pieces.remove(key(blob, block, attempt));
    }

    @Override
    public synchronized void deletePieces(BlobName blob) {
        pieces.keySet().removeIf(k -> k.startsWith(blob.value() + "/"));
    }

    /** How many pieces are held, of every blob. */
    public synchronized int size() {
        return pieces.size();
    }
}

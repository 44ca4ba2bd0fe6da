package dev.largeupload.domain.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link PieceStore} must do, run against each adapter by a concrete subclass. */
public abstract class PieceStoreContract {

    protected PieceStore pieces;
    /** The blob store the pieces belong to, whose delete must discard them. */
    protected BlobStore blobs;

    /** Pieces of the blobs of {@link #newBlobStore()}'s store. */
    protected abstract PieceStore newPieceStore();

    /** The blob store on the same storage. */
    protected abstract BlobStore newBlobStore();

    @BeforeEach
    void open() {
        blobs = newBlobStore();
        pieces = newPieceStore();
    }

    private final BlobName blob = BlobName.of(UploadId.random());

    @Test
    void aPieceWritten_readsBackWhole_andByPrefix() throws IOException {
        byte[] bytes = bytes(3 * 1024 * 1024 + 17);
        StagingAttempt attempt = StagingAttempt.random();
        pieces.writePiece(blob, 7, attempt, new ByteArrayInputStream(bytes), bytes.length);
        assertArrayEquals(bytes, read(pieces.openPiece(blob, 7, attempt, bytes.length)));
        assertArrayEquals(Arrays.copyOf(bytes, 1000), read(pieces.openPiece(blob, 7, attempt, 1000)));
    }

    @Test
    void aStreamOfUnknownLength_isKeptUpToItsEnd_orUpToTheMaximum() throws IOException {
        byte[] bytes = bytes(5 * 1024 * 1024 + 3);
        StagingAttempt shorter = StagingAttempt.random();
        assertEquals(bytes.length, pieces.writePiece(blob, 3, shorter, new ByteArrayInputStream(bytes), 8L << 20));
        assertArrayEquals(bytes, read(pieces.openPiece(blob, 3, shorter, bytes.length)));
        StagingAttempt capped = StagingAttempt.random();
        assertEquals(1000, pieces.writePiece(blob, 3, capped, new ByteArrayInputStream(bytes), 1000));
        assertArrayEquals(Arrays.copyOf(bytes, 1000), read(pieces.openPiece(blob, 3, capped, 1000)));
        StagingAttempt empty = StagingAttempt.random();
        assertEquals(0, pieces.writePiece(blob, 3, empty, InputStream.nullInputStream(), 1000));
    }

    @Test
    void piecesOfOtherAttemptsAndBlocks_doNotTouchEachOther() throws IOException {
        StagingAttempt a = StagingAttempt.random();
        StagingAttempt b = StagingAttempt.random();
        pieces.writePiece(blob, 1, a, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
        pieces.writePiece(blob, 1, b, new ByteArrayInputStream(new byte[] {4, 5}), 2);
        pieces.writePiece(blob, 2, a, new ByteArrayInputStream(new byte[] {6}), 1);
        assertArrayEquals(new byte[] {1, 2, 3}, read(pieces.openPiece(blob, 1, a, 3)));
        assertArrayEquals(new byte[] {4, 5}, read(pieces.openPiece(blob, 1, b, 2)));
        assertArrayEquals(new byte[] {6}, read(pieces.openPiece(blob, 2, a, 1)));
    }

    @Test
    void aMissingPiece_orOneTooShort_isNotFound() {
        StagingAttempt attempt = StagingAttempt.random();
        assertThrows(UploadException.NotFound.class, () -> pieces.openPiece(blob, 0, attempt, 1).close());
        pieces.writePiece(blob, 0, attempt, new ByteArrayInputStream(new byte[] {1, 2}), 2);
        assertThrows(UploadException.NotFound.class, () -> pieces.openPiece(blob, 0, attempt, 3).close());
    }

    @Test
    void aStreamThatFails_leavesNoReadablePiece() {
        StagingAttempt attempt = StagingAttempt.random();
        InputStream failing = new InputStream() {
            private int left = 10;

            @Override
            public int read() {
                if (left-- == 0) {
                    throw new UploadException.TransferInterrupted(0, false, null);
                }
                return 1;
            }
        };
        assertThrows(RuntimeException.class, () -> pieces.writePiece(blob, 0, attempt, failing, 100));
        assertThrows(UploadException.NotFound.class, () -> pieces.openPiece(blob, 0, attempt, 1).close());
    }

    @Test
    void deleteOfAPiece_andOfAllPieces_andOfTheBlob_discardThem() {
        StagingAttempt a = StagingAttempt.random();
        StagingAttempt b = StagingAttempt.random();
        pieces.writePiece(blob, 0, a, new ByteArrayInputStream(new byte[] {1}), 1);
        pieces.writePiece(blob, 1, b, new ByteArrayInputStream(new byte[] {2}), 1);
        pieces.deletePiece(blob, 0, a);
        pieces.deletePiece(blob, 0, a);
        assertThrows(UploadException.NotFound.class, () -> pieces.openPiece(blob, 0, a, 1).close());
        pieces.deletePieces(blob);
        assertThrows(UploadException.NotFound.class, () -> pieces.openPiece(blob, 1, b, 1).close());

        pieces.writePiece(blob, 2, a, new ByteArrayInputStream(new byte[] {3}), 1);
        blobs.delete(blob);
        assertThrows(UploadException.NotFound.class, () -> pieces.openPiece(blob, 2, a, 1).close());
        pieces.deletePieces(blob);
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}

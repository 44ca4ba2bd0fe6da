package dev.largeupload.filesystem;

import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.PieceStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The pieces of {@link PieceStore} on the local disk, beside the data file of the blob they belong to:
 * {@code staging/<blob>/piece-<block>-<attempt>} under the same root as {@link FilesystemBlobStore}. Each piece is
 * written once (a new file per attempt), forced to disk with its directory entry before {@link #writePiece} returns
 * (unless it came out a whole block, which the caller stages and deletes at once), and read back streaming. As they live in the blob's staging directory, {@link FilesystemBlobStore#delete} (and a
 * commit's clean-up of that directory) discards them with it. A piece is never bigger than a block, so the bytes
 * written twice are bounded by a block per append.
 */
public final class FilesystemPieceStore implements PieceStore {

    private static final int BUFFER = 1 << 16;

    private final BlobLayout layout;
    private final DurableFiles files;

    /** Pieces under {@code root}, the root of the {@link FilesystemBlobStore} whose blobs they belong to. */
    public FilesystemPieceStore(Path root) {
        this.layout = new BlobLayout(root);
        try {
            Files.createDirectories(layout.stagingRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the blob directories under " + root, e);
        }
        this.files = new DurableFiles(layout.stagingRoot());
    }

    private Path piece(BlobName blob, int block, StagingAttempt attempt) {
        return layout.stagingDir(blob).resolve(String.format(Locale.ROOT, "piece-%06d-%s", block, attempt.hex()));
    }

    @Override
    public long writePiece(BlobName blob, int block, StagingAttempt attempt, InputStream data, long maxLength) {
        Path file = piece(blob, block, attempt);
        boolean written = false;
        try (FileChannel channel = files.createNew(file)) {
            byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, maxLength))];
            long left = maxLength;
            while (left > 0) {
                int n = data.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                left -= n;
            }
            if (left > 0) {
                // A piece that ends inside its block is named by the append state: durable before that.
                channel.force(true);
                files.syncDirectory(file.getParent());
            }
            written = true;
            return maxLength - left;
        } catch (IOException e) {
            throw unavailable("write a piece of " + blob, e);
        } finally {
            if (!written) {
                deleteQuietly(file);
            }
        }
    }

    @Override
    public InputStream openPiece(BlobName blob, int block, StagingAttempt attempt, long length) {
        Path file = piece(blob, block, attempt);
        try {
            FileChannel channel = FileChannel.open(file);
            if (channel.size() < length) {
                channel.close();
                throw new NotFound(blob.value());
            }
            return new FileRangeInputStream(channel, 0, length);
        } catch (NoSuchFileException e) {
            throw new NotFound(blob.value());
        } catch (IOException e) {
            throw unavailable("read a piece of " + blob, e);
        }
    }

    @Override
    public void deletePiece(BlobName blob, int block, StagingAttempt attempt) {
        try {
            Files.deleteIfExists(piece(blob, block, attempt));
        } catch (IOException e) {
            throw unavailable("delete a piece of " + blob, e);
        }
    }

    @Override
    public void deletePieces(BlobName blob) {
        try {
            DurableFiles.deleteMatching(layout.stagingDir(blob), "piece-*");
        } catch (IOException e) {
            throw unavailable("delete the pieces of " + blob, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A piece no state names is never read; the blob's delete removes it.
        }
    }

    private static StoreUnavailable unavailable(String action, IOException cause) {
        return new StoreUnavailable("The filesystem store could not " + action + ".", cause);
    }
}

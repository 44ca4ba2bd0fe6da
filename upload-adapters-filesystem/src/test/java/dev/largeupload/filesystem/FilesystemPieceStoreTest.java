package dev.largeupload.filesystem;

import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.PieceStore;
import dev.largeupload.domain.port.PieceStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The whole {@link PieceStoreContract}, on a fresh directory per test. */
class FilesystemPieceStoreTest extends PieceStoreContract {

    @TempDir
    Path root;

    @Override
    protected PieceStore newPieceStore() {
        return new FilesystemPieceStore(root.resolve("blobs"));
    }

    @Override
    protected BlobStore newBlobStore() {
        return new FilesystemBlobStore(root.resolve("blobs"));
    }
}

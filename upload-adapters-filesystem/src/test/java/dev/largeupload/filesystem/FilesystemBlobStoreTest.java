package dev.largeupload.filesystem;

import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlobStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The whole {@link BlobStoreContract}, on a fresh directory per test. */
class FilesystemBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path root;

    @Override
    protected BlobStore newStore() {
        return new FilesystemBlobStore(root.resolve("blobs"));
    }
}

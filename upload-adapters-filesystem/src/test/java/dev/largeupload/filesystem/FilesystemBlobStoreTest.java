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

    /** It writes each block in place in one data file. */
    @Override
    protected boolean keepsAttemptsApart() {
        return false;
    }

    /** It reads the data file once when an expected SHA-256 is given. */
    @Override
    protected boolean verifiesSha256OnCommit() {
        return true;
    }
}

package dev.largeupload.domain.fakes;

import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlobStoreContract;

/** The {@link BlobStore} contract on the fake behind the service's unit tests, so that it cannot drift from the real stores. */
class InMemoryBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore();
    }

    /** Like Azure: a map entry per attempt. */
    @Override
    protected boolean keepsAttemptsApart() {
        return true;
    }

    /** Like the filesystem, unless told {@code commitWithoutReading()}. */
    @Override
    protected boolean verifiesSha256OnCommit() {
        return true;
    }
}

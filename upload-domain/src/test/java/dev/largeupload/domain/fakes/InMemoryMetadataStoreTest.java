package dev.largeupload.domain.fakes;

import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;

/**
 * The {@link MetadataStore} contract on the fake behind the service's unit tests, so that it cannot drift
 * from the real stores; the "second server" is the same instance, the only way two callers share a map.
 */
class InMemoryMetadataStoreTest extends MetadataStoreContract {

    private InMemoryMetadataStore last;

    @Override
    protected MetadataStore newStore() {
        last = new InMemoryMetadataStore();
        return last;
    }

    @Override
    protected MetadataStore secondStoreOnSameBackend() {
        return last;
    }

    /** The fake keeps the session itself, plan included: a plan of blocks as large as its chunks is kept as it is. */
    @Override
    protected void createAsBeforeBlocks(UploadSession session) {
        last.create(session);
    }
}

package dev.largeupload.azure;

import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.PieceStore;
import dev.largeupload.domain.port.PieceStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole {@link PieceStoreContract} on Azurite: one Azurite for the class, a fresh container per test. */
class AzurePieceStoreTest extends PieceStoreContract {

    private static AzuriteServer azurite;
    private AzureBlobStore store;

    @BeforeAll
    static void startAzurite() {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    @Override
    protected BlobStore newBlobStore() {
        String container = "c" + UUID.randomUUID().toString().replace("-", "");
        store = AzureBlobStoreFactory.create(AzureBlobSettings.of(new AzureBlobSettings.Connection.ConnectionString(
                azurite.connectionString()), container));
        return store;
    }

    @Override
    protected PieceStore newPieceStore() {
        return store.pieces();
    }
}

package dev.largeupload.azure;

import dev.largeupload.azure.AzureBlobSettings.Connection;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlobStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole {@link BlobStoreContract} on Azurite: one Azurite for the class, a fresh container per test. */
class AzureBlobStoreTest extends BlobStoreContract {

    private static AzuriteServer azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    @Override
    protected BlobStore newStore() {
        String container = "c" + UUID.randomUUID().toString().replace("-", "");
        return AzureBlobStoreFactory.create(AzureBlobSettings.of(new Connection.ConnectionString(azurite.connectionString()), container));
    }

    /** Each attempt is an Azure block of its own. */
    @Override
    protected boolean keepsAttemptsApart() {
        return true;
    }

    /** Put Block List reads no byte; the SHA-256 is a label. */
    @Override
    protected boolean verifiesSha256OnCommit() {
        return false;
    }
}

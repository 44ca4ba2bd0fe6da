package dev.largeupload.web.it;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.largeupload.azure.AzuriteServer;
import dev.largeupload.web.it.UploadClient.Upload;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Azure Blob Storage gone (Azurite behind a {@link TcpProxy} that the test cuts: open connections
 * closed, new ones refused), the upload state in Redis staying.
 */
class AzureBlobOutageIT extends BlobStoreOutageIT {

    static AzuriteServer azurite;
    static final String CONTAINER = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    TcpProxy proxy;

    @BeforeAll
    static void startAzurite() {
        azurite = AzuriteServer.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @AfterEach
    void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    protected Map<String, String> environment() {
        proxy = new TcpProxy("127.0.0.1", azurite.port());
        String throughProxy = azurite.connectionString().replace(":" + azurite.port() + "/", ":" + proxy.port() + "/");
        return Map.of("BLOB_STORE", "azure", "AZURE_STORAGE_CONNECTION_STRING", throughProxy,
                "AZURE_STORAGE_CONTAINER_NAME", CONTAINER,
                "METADATA_STORE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", "6379",
                "REDIS_KEY_PREFIX", "it:blob-outage:" + UUID.randomUUID() + ":");
    }

    @Override
    protected void storeGone() {
        proxy.cut();
    }

    @Override
    protected void storeBack() {
        proxy.restore();
    }

    @Override
    protected boolean committed(Upload upload) {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(CONTAINER).getBlobClient(upload.id()).exists();
    }
}

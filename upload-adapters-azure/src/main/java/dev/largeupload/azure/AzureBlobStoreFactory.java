package dev.largeupload.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.largeupload.azure.AzureBlobSettings.Connection;
import dev.largeupload.azure.AzureBlobSettings.Retries;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.port.DirectTransfers;
import java.time.Clock;
import java.util.Optional;

/**
 * Builds an {@link AzureBlobStore} from {@link AzureBlobSettings}: two clients of the same container
 * over one JDK HTTP client, one that retries (everything but chunk uploads) and one that never does
 * (chunk uploads, whose streams cannot be replayed without buffering them).
 */
public final class AzureBlobStoreFactory {

    private AzureBlobStoreFactory() {
    }

    /**
     * The store the settings describe; creates the container first when the settings ask for it.
     *
     * @throws StoreUnavailable if the container must be created and the account cannot be reached
     */
    public static AzureBlobStore create(AzureBlobSettings settings) {
        Retries retries = settings.retries();
        HttpClient http = new JdkHttpClientBuilder().connectionTimeout(retries.connectTimeout()).build();
        RequestRetryOptions retrying = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, retries.maxTries(),
                retries.tryTimeout(), retries.retryDelay(), retries.maxRetryDelay(), null);
        // One try, no time limit: a 4,000 MiB chunk over a slow link may take long, and a dead
        // connection fails on its own (refused, reset, or the client's stream stalling).
        RequestRetryOptions once = new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null);
        BlobContainerClient container = builder(settings, http).retryOptions(retrying).buildClient();
        BlobContainerClient staging = builder(settings, http).retryOptions(once).buildClient();
        if (settings.createContainerIfMissing()) {
            createIfMissing(container);
        }
        return new AzureBlobStore(container, staging, settings.blobPrefix());
    }

    /**
     * The {@link DirectTransfers} of {@code store} (which {@link #create} built from {@code settings}), when its
     * credential can sign: an account key or a connection string with one (a service SAS), or an Entra credential
     * (a user-delegation SAS). A SAS token cannot sign another SAS: then none.
     */
    public static Optional<DirectTransfers> directTransfers(AzureBlobSettings settings, AzureBlobStore store) {
        return signing(settings.connection())
                .map(signing -> new AzureDirectTransfers(store.container(), settings.blobPrefix(), signing,
                        Clock.systemUTC()));
    }

    /** How {@code connection} can sign a SAS, if it can. */
    static Optional<AzureDirectTransfers.Signing> signing(Connection connection) {
        if (connection instanceof Connection.SharedKey) {
            return Optional.of(AzureDirectTransfers.Signing.SHARED_KEY);
        }
        if (connection instanceof Connection.DefaultCredential) {
            return Optional.of(AzureDirectTransfers.Signing.USER_DELEGATION);
        }
        if (connection instanceof Connection.ConnectionString c) {
            for (String part : c.value().split(";")) {
                String[] pair = part.strip().split("=", 2);
                if (pair.length == 2 && !pair[1].isBlank() && (pair[0].equalsIgnoreCase("AccountKey")
                        || (pair[0].equalsIgnoreCase("UseDevelopmentStorage") && pair[1].equalsIgnoreCase("true")))) {
                    return Optional.of(AzureDirectTransfers.Signing.SHARED_KEY);
                }
            }
        }
        return Optional.empty();
    }

    private static BlobContainerClientBuilder builder(AzureBlobSettings settings, HttpClient http) {
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder()
                .httpClient(http)
                .containerName(settings.containerName());
        Connection connection = settings.connection();
        if (connection instanceof Connection.ConnectionString c) {
            builder.connectionString(c.value());
        } else if (connection instanceof Connection.SharedKey k) {
            builder.endpoint(k.endpointOrDefault()).credential(new StorageSharedKeyCredential(k.accountName(), k.accountKey()));
        } else if (connection instanceof Connection.Sas s) {
            builder.endpoint(s.endpoint()).sasToken(s.sasToken());
        } else if (connection instanceof Connection.DefaultCredential d) {
            builder.endpoint(d.endpoint()).credential(new DefaultAzureCredentialBuilder().httpClient(http).build());
        }
        return builder;
    }

    private static void createIfMissing(BlobContainerClient container) {
        try {
            container.createIfNotExists();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, "create or check the container " + container.getBlobContainerName());
        }
    }
}

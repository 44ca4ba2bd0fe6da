package dev.largeupload.web.wiring;

import dev.largeupload.azure.AzureBlobSettings;
import dev.largeupload.azure.AzureBlobSettings.Connection;
import dev.largeupload.azure.AzureBlobStoreFactory;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.DirectTransfers;
import dev.largeupload.domain.port.PieceStore;
import dev.largeupload.filesystem.FilesystemPieceStore;
import dev.largeupload.azure.AzureBlobStore;
import dev.largeupload.filesystem.FilesystemBlobStore;
import dev.largeupload.web.config.ConfigurationException;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.config.SettingsReader;
import java.util.Optional;

/** Builds the {@link BlobStore} that {@code BLOB_STORE} names. */
final class BlobStores {

    private BlobStores() {
    }

    static String key(ServerSettings settings) {
        return switch (settings.blobStore()) {
            case FILESYSTEM -> "DATA_DIR";
            case AZURE -> "AZURE_STORAGE_CONNECTION_STRING";
        };
    }

    static BlobStore create(ServerSettings settings, SettingsReader config) {
        return switch (settings.blobStore()) {
            case FILESYSTEM -> new FilesystemBlobStore(MetadataStores.directory(settings.dataDir(), "blobs"));
            case AZURE -> AzureBlobStoreFactory.create(azure(config));
        };
    }

    /** The {@link PieceStore} beside {@code blobs}, the store {@link #create} built: on the same directory or container. */
    static PieceStore pieces(ServerSettings settings, BlobStore blobs) {
        return switch (settings.blobStore()) {
            case FILESYSTEM -> new FilesystemPieceStore(MetadataStores.directory(settings.dataDir(), "blobs"));
            case AZURE -> ((AzureBlobStore) blobs).pieces();
        };
    }

    /**
     * The {@link DirectTransfers} of {@code blobs}, the store {@link #create} built: Azure's when its credential can
     * sign a SAS; none for the filesystem store, or for Azure reached with a SAS token.
     */
    static Optional<DirectTransfers> directTransfers(ServerSettings settings, SettingsReader config, BlobStore blobs) {
        return switch (settings.blobStore()) {
            case FILESYSTEM -> Optional.empty();
            case AZURE -> AzureBlobStoreFactory.directTransfers(azure(config), (AzureBlobStore) blobs);
        };
    }

    /**
     * Azure settings, by the first way of authenticating that is configured: a connection string;
     * an account name and key (the Python service's variables); an endpoint with a SAS token; an endpoint
     * alone (the default Azure credential chain: managed identity and the like).
     */
    static AzureBlobSettings azure(SettingsReader config) {
        Optional<String> endpoint = config.value("AZURE_STORAGE_ENDPOINT");
        Connection connection;
        if (config.value("AZURE_STORAGE_CONNECTION_STRING").isPresent()) {
            connection = new Connection.ConnectionString(config.value("AZURE_STORAGE_CONNECTION_STRING").get());
        } else if (config.value("AZURE_STORAGE_ACCOUNT_NAME").isPresent() && config.value("AZURE_STORAGE_ACCOUNT_KEY").isPresent()) {
            connection = new Connection.SharedKey(config.value("AZURE_STORAGE_ACCOUNT_NAME").get(),
                    config.value("AZURE_STORAGE_ACCOUNT_KEY").get(), endpoint);
        } else if (endpoint.isPresent() && config.value("AZURE_STORAGE_SAS_TOKEN").isPresent()) {
            connection = new Connection.Sas(endpoint.get(), config.value("AZURE_STORAGE_SAS_TOKEN").get());
        } else if (endpoint.isPresent()) {
            try {
                connection = new Connection.DefaultCredential(endpoint.get());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("AZURE_STORAGE_ENDPOINT", UploadWiring.firstLine(e.getMessage()));
            }
        } else {
            throw new ConfigurationException("AZURE_STORAGE_CONNECTION_STRING", "BLOB_STORE=azure needs a connection "
                    + "string, AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY, or an endpoint with a SAS token");
        }
        String container = config.value("AZURE_STORAGE_CONTAINER_NAME").orElse("uploads");
        try {
            return new AzureBlobSettings(connection, container, config.value("AZURE_STORAGE_BLOB_PREFIX").orElse(""),
                    config.bool("AZURE_STORAGE_CREATE_CONTAINER", "true"), AzureBlobSettings.Retries.DEFAULT);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage() != null && e.getMessage().contains("prefix") ? "AZURE_STORAGE_BLOB_PREFIX"
                    : "AZURE_STORAGE_CONTAINER_NAME";
            throw new ConfigurationException(key, UploadWiring.firstLine(e.getMessage()));
        }
    }
}

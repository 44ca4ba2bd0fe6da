package dev.largeupload.web.observe;

import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.MetadataStore;
import java.util.Objects;

/**
 * The two stores this server runs on, with the names operators configured them by
 * ({@code METADATA_STORE}, {@code BLOB_STORE}), for the readiness checks.
 */
public record ConfiguredStores(String metadataKind, MetadataStore metadata, String blobKind, BlobStore blobs) {

    public ConfiguredStores {
        Objects.requireNonNull(metadataKind, "metadataKind");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(blobKind, "blobKind");
        Objects.requireNonNull(blobs, "blobs");
    }
}

package dev.largeupload.web.it;

/** The store pairs the integration tests run the server on; {@link StoreEnvironment#open} sets each up. */
enum Stores {

    /** The defaults: embedded H2 metadata, blobs on the filesystem. */
    EMBEDDED(Metadata.H2, Blobs.FILESYSTEM),
    /** Metadata as files ({@code METADATA_STORE=file}), blobs on the filesystem. */
    FILE(Metadata.FILE, Blobs.FILESYSTEM),
    /** Redis (127.0.0.1:6379, a key prefix of its own), blobs on the filesystem. */
    REDIS(Metadata.REDIS, Blobs.FILESYSTEM),
    /** A PostgreSQL database of its own, blobs on the filesystem. */
    POSTGRESQL(Metadata.POSTGRESQL, Blobs.FILESYSTEM),
    /** Embedded H2 metadata, blobs in Azurite. */
    AZURE(Metadata.H2, Blobs.AZURITE),
    /** Redis metadata, blobs in Azurite. */
    AZURE_REDIS(Metadata.REDIS, Blobs.AZURITE),
    /** PostgreSQL metadata, blobs in Azurite. */
    AZURE_POSTGRESQL(Metadata.POSTGRESQL, Blobs.AZURITE);

    enum Metadata {
        H2, FILE, REDIS, POSTGRESQL
    }

    enum Blobs {
        FILESYSTEM, AZURITE
    }

    final Metadata metadata;
    final Blobs blobs;

    Stores(Metadata metadata, Blobs blobs) {
        this.metadata = metadata;
        this.blobs = blobs;
    }
}

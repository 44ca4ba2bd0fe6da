package dev.largeupload.web.it;

/** {@link TusJsClientIT} on Azure blobs (Azurite) with H2 metadata. */
@Server(stores = Stores.AZURE)
class AzureTusJsClientIT extends TusJsClientIT {
}

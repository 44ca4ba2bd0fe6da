package dev.largeupload.web.it;

/** Resume inside a chunk with the blocks staged in Azure (Azurite) as they arrive, and the state in PostgreSQL. */
@Server(stores = Stores.AZURE_POSTGRESQL)
class AzurePartialChunkIT extends PartialChunkIT {
}

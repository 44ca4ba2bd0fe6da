package dev.largeupload.web.it;

/** Two servers sharing one PostgreSQL database (through Liberty's pooled data source) and one Azurite container. */
@Server(stores = Stores.AZURE_POSTGRESQL, instances = 2)
class PostgresqlSharedStoresIT extends SharedStoresIT {
}

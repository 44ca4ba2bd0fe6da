package dev.largeupload.web.it;

/** Two servers sharing one Redis (under a key prefix of their own) and one Azurite container. */
@Server(stores = Stores.AZURE_REDIS, instances = 2)
class RedisSharedStoresIT extends SharedStoresIT {
}

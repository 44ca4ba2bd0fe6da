package dev.largeupload.web.it;

/** Redis going away mid-upload, under a key prefix of its own. */
@Server(stores = Stores.REDIS, proxied = Server.Proxied.METADATA)
class RedisOutageIT extends StoreOutageIT {
}

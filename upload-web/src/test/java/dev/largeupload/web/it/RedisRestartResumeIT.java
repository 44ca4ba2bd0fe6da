package dev.largeupload.web.it;

/** Crash and restart with METADATA_STORE=redis, on the Redis server of this machine, under a key prefix of its own. */
@Server(stores = Stores.REDIS)
class RedisRestartResumeIT extends RestartResumeIT {
}

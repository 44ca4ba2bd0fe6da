package dev.largeupload.web.it;

import java.util.Map;
import java.util.UUID;

/** Crash and restart with METADATA_STORE=redis, on the Redis server of this machine, under a key prefix of its own. */
class RedisRestartResumeIT extends RestartResumeIT {

    @Override
    protected Map<String, String> storeEnvironment() {
        return Map.of("METADATA_STORE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", "6379",
                "REDIS_KEY_PREFIX", "it:" + UUID.randomUUID() + ":");
    }
}

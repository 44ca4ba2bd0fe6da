package dev.largeupload.web.it;

import java.util.Map;
import java.util.UUID;

/** Two servers sharing one Redis (under a key prefix of their own) and one Azurite container. */
class RedisSharedStoresIT extends SharedStoresIT {

    private final String prefix = "it:" + UUID.randomUUID() + ":";

    @Override
    protected Map<String, String> metadataEnvironment() {
        return Map.of("METADATA_STORE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", "6379", "REDIS_KEY_PREFIX", prefix);
    }
}

package dev.largeupload.web.it;

import java.util.Map;
import java.util.UUID;

/** Redis going away mid-upload, under a key prefix of its own. */
class RedisOutageIT extends StoreOutageIT {

    @Override
    protected Map.Entry<String, Integer> backend() {
        return Map.entry("127.0.0.1", 6379);
    }

    @Override
    protected Map<String, String> environment(int proxyPort) {
        return Map.of("METADATA_STORE", "redis", "REDIS_HOST", "127.0.0.1", "REDIS_PORT", Integer.toString(proxyPort),
                "REDIS_KEY_PREFIX", "it:" + UUID.randomUUID() + ":");
    }
}

package dev.largeupload.metadata.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    @Test
    void toString_neverShowsThePassword() {
        RedisSettings settings = RedisSettings.of("redis.example", 6380, 2, Optional.of("s3cret-Pa55"), true);
        assertFalse(settings.toString().contains("s3cret-Pa55"), settings.toString());
        assertTrue(settings.toString().contains("redis.example:6380"), settings.toString());
    }

    @Test
    void anEmptyPassword_meansNone() {
        assertEquals(Optional.empty(), RedisSettings.of("localhost", 6379, 0, Optional.of(""), false).password());
    }

    @Test
    void defaults_areTheSeeds() {
        RedisSettings settings = RedisSettings.defaults();
        assertEquals("localhost", settings.host());
        assertEquals(6379, settings.port());
        assertEquals(0, settings.database());
        assertEquals(RedisMetadataStore.DEFAULT_PREFIX, settings.keyPrefix());
    }

    @Test
    void badValues_failNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of("localhost", 0, 0, Optional.empty(), false)).getMessage().contains("REDIS_PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of("localhost", 6379, -1, Optional.empty(), false)).getMessage().contains("REDIS_DB"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of(" ", 6379, 0, Optional.empty(), false)).getMessage().contains("REDIS_HOST"));
        assertThrows(IllegalArgumentException.class, () -> RedisSettings.defaults().withPoolSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.defaults().withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }

    @Test
    void openPool_connectsLazily_soItCanBeBuiltWhileRedisIsAway() {
        try (var pool = RedisSettings.of("127.0.0.1", 1, 0, Optional.empty(), true).openPool()) {
            assertEquals(0, pool.getNumActive());
        }
    }
}

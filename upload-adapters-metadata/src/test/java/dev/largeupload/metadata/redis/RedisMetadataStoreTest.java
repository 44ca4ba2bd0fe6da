package dev.largeupload.metadata.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The {@link MetadataStore} contract on a real Redis server, {@code REDIS_HOST}:{@code REDIS_PORT}
 * (default 127.0.0.1:6379), under a key prefix of its own that is removed after the class. Each store
 * gets its own connection pool, as each server would. Without a server the class is skipped, except
 * with {@code CI=true}, where a missing server fails the build.
 */
class RedisMetadataStoreTest extends MetadataStoreContract {

    private static final String PREFIX = "test:" + UUID.randomUUID() + ":";
    private static final RedisSettings SETTINGS = RedisSettings.of(env("REDIS_HOST", "127.0.0.1"),
            Integer.parseInt(env("REDIS_PORT", "6379")), 0, Optional.ofNullable(System.getenv("REDIS_PASSWORD")), false)
            .withKeyPrefix(PREFIX);
    private static final Sha256 SOME_DIGEST = Sha256.fromHex("ab".repeat(32), "test digest");
    private static final StagingAttempt SOME_ATTEMPT = new StagingAttempt(0x5eed_5eed_5eedL);

    @BeforeAll
    static void requireRedis() {
        try (JedisPool pool = SETTINGS.openPool(); Jedis jedis = pool.getResource()) {
            jedis.ping();
        } catch (RuntimeException e) {
            String why = "Redis at " + SETTINGS.host() + ":" + SETTINGS.port() + " is not reachable: " + e;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why, e);
            }
            Assumptions.abort(why);
        }
    }

    @AfterAll
    static void removeKeys() {
        try (JedisPool pool = SETTINGS.openPool(); Jedis jedis = pool.getResource()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(PREFIX + "*").count(1000));
                if (!page.getResult().isEmpty()) {
                    jedis.unlink(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
    }

    private final List<JedisPool> pools = new ArrayList<>();

    @Override
    protected MetadataStore newStore() {
        return new RedisMetadataStore(pool(), PREFIX);
    }

    @Override
    protected MetadataStore secondStoreOnSameBackend() {
        return new RedisMetadataStore(pool(), PREFIX);
    }

    /** The hash as a version before blocks wrote it: no {@code block_size} field. */
    @Override
    protected void createAsBeforeBlocks(UploadSession session) {
        store.create(session);
        try (Jedis jedis = pools.get(0).getResource()) {
            assertEquals(1, jedis.hdel(PREFIX + "upload:" + session.id(), "block_size"));
        }
    }

    @AfterEach
    void closePools() {
        pools.forEach(JedisPool::close);
    }

    // --- what only Redis does ------------------------------------------------------------------

    @Test
    void keys_ofAnActiveUpload_expireAGracePeriodAfterItsExpiry() {
        Instant expiresAt = Instant.now().plus(Duration.ofHours(72)).truncatedTo(ChronoUnit.MILLIS);
        UploadId id = createdExpiringAt(expiresAt);
        long grace = Duration.ofDays(RedisMetadataStore.DEFAULT_GRACE_DAYS).toMillis();
        try (Jedis jedis = pools.get(0).getResource()) {
            assertEquals(expiresAt.toEpochMilli() + grace, jedis.pexpireTime(PREFIX + "upload:" + id));
            store.recordBlock(id, new BlockReceipt(3, expiresAt, expiresAt.plusSeconds(10), SOME_DIGEST, SOME_ATTEMPT));
            assertEquals(expiresAt.toEpochMilli() + 10_000 + grace, jedis.pexpireTime(PREFIX + "upload:" + id));
            assertEquals(expiresAt.toEpochMilli() + 10_000 + grace, jedis.pexpireTime(PREFIX + "upload:" + id + ":chunks"));
            assertEquals(expiresAt.toEpochMilli() + 10_000 + grace, jedis.pexpireTime(PREFIX + "upload:" + id + ":digests"));
            assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, UploadState.ABORTED, Instant.now()));
            assertEquals(expiresAt.toEpochMilli() + 10_000 + grace, jedis.pexpireTime(PREFIX + "upload:" + id + ":digests"));
        }
    }

    @Test
    void keys_ofAnUploadCreatedAlreadyExpired_liveAGracePeriodFromNow() {
        UploadId id = createdExpiringAt(Instant.parse("2001-01-01T00:00:00Z"));
        try (Jedis jedis = pools.get(0).getResource()) {
            long left = jedis.pexpireTime(PREFIX + "upload:" + id) - System.currentTimeMillis();
            assertTrue(left > Duration.ofDays(6).toMillis(), "keys expire in " + left + " ms");
        }
        assertTrue(store.find(id).isPresent());
    }

    @Test
    void keys_ofACompletedUpload_doNotExpire() {
        UploadId id = createdExpiringAt(Instant.now().plusSeconds(60));
        store.recordBlock(id, new BlockReceipt(0, Instant.now(), Instant.now().plusSeconds(60), SOME_DIGEST, SOME_ATTEMPT));
        assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, Instant.now()));
        assertTrue(store.compareAndSetState(id, UploadState.COMPLETING, UploadState.COMPLETED, Instant.now()));
        try (Jedis jedis = pools.get(0).getResource()) {
            assertEquals(-1, jedis.pttl(PREFIX + "upload:" + id));
            assertEquals(-1, jedis.pttl(PREFIX + "upload:" + id + ":chunks"));
            assertEquals(-1, jedis.pttl(PREFIX + "upload:" + id + ":digests"));
            assertEquals(null, jedis.zscore(PREFIX + "expiry", id.value()));
        }
    }

    @Test
    void listExpired_dropsIdsWhoseKeysRedisHasExpired() {
        Instant past = Instant.parse("2003-04-05T06:07:08.009Z");
        UploadId vanished = createdExpiringAt(past.minusSeconds(1));
        UploadId kept = createdExpiringAt(past.minusSeconds(2));
        try (Jedis jedis = pools.get(0).getResource()) {
            jedis.del(PREFIX + "upload:" + vanished, PREFIX + "upload:" + vanished + ":chunks");
            assertTrue(store.listExpired(past, 1000).contains(kept));
            assertEquals(null, jedis.zscore(PREFIX + "expiry", vanished.value()));
        }
    }

    @Test
    void countActive_ignoresAndDropsIdsWhoseKeysAreGone() {
        Instant at = Instant.now().plus(Duration.ofDays(7300)).truncatedTo(ChronoUnit.MILLIS);
        int before = store.countActive(at);
        UploadId vanished = createdExpiringAt(at.plusSeconds(1));
        createdExpiringAt(at.plusSeconds(2));
        try (Jedis jedis = pools.get(0).getResource()) {
            jedis.del(PREFIX + "upload:" + vanished, PREFIX + "upload:" + vanished + ":chunks");
            assertEquals(before + 1, store.countActive(at));
            assertEquals(null, jedis.zscore(PREFIX + "expiry", vanished.value()));
        }
    }

    @Test
    void listFinished_keepsListingAnIdWhoseKeysExpired_untilItIsDeleted() {
        Instant cutOff = Instant.parse("2005-06-07T08:09:10.011Z");
        UploadId id = createdExpiringAt(cutOff.plusSeconds(60));
        assertTrue(store.compareAndSetState(id, UploadState.ACTIVE, UploadState.EXPIRED, cutOff));
        try (Jedis jedis = pools.get(0).getResource()) {
            jedis.del(PREFIX + "upload:" + id, PREFIX + "upload:" + id + ":chunks");
            assertTrue(store.listFinished(cutOff, 100).contains(id));
            store.delete(id);
            assertFalse(store.listFinished(cutOff, 100).contains(id));
            assertEquals(null, jedis.zscore(PREFIX + "finished", id.value()));
        }
    }

    @Test
    void recordedChunks_ofADigestAnOlderVersionWrote_haveTheLegacyAttempt_untilRecordedAgain() {
        UploadId id = createdExpiringAt(Instant.now().plusSeconds(60));
        store.recordBlock(id, new BlockReceipt(1, Instant.now(), Instant.now().plusSeconds(60), SOME_DIGEST, SOME_ATTEMPT));
        try (Jedis jedis = pools.get(0).getResource()) {
            jedis.hset((PREFIX + "upload:" + id + ":digests").getBytes(), "1".getBytes(), SOME_DIGEST.bytes());
        }

        assertEquals(new RecordedBlock(SOME_DIGEST, StagingAttempt.LEGACY), store.recordedBlocks(id).get(1));
        store.recordBlock(id, new BlockReceipt(1, Instant.now(), Instant.now().plusSeconds(60), SOME_DIGEST, SOME_ATTEMPT));
        assertEquals(new RecordedBlock(SOME_DIGEST, SOME_ATTEMPT), store.recordedBlocks(id).get(1));
    }

    @Test
    void blockSize_isAFieldOfTheHash_andRecordsAreRefusedPastItsLastBlockOnly() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ChunkPlan plan = ChunkPlan.of(200L * (1 << 20) + 5, 64L << 20); // 4 chunks, 26 blocks of 8 MiB
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                plan, "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
        store.create(session);
        try (Jedis jedis = pools.get(0).getResource()) {
            assertEquals("8388608", jedis.hget(PREFIX + "upload:" + session.id(), "block_size"));
            store.recordBlock(session.id(), new BlockReceipt(25, now, now.plusSeconds(60), SOME_DIGEST, SOME_ATTEMPT));
            assertTrue(jedis.getbit(PREFIX + "upload:" + session.id() + ":chunks", 25));
            assertThrows(IllegalArgumentException.class, () -> store.recordBlock(session.id(),
                    new BlockReceipt(26, now, now.plusSeconds(60), SOME_DIGEST, SOME_ATTEMPT)));
            assertEquals(1, jedis.bitcount(PREFIX + "upload:" + session.id() + ":chunks"));
        }
    }

    @Test
    void delete_removesTheDigestsKey() {
        UploadId id = createdExpiringAt(Instant.now().plusSeconds(60));
        store.recordBlock(id, new BlockReceipt(1, Instant.now(), Instant.now().plusSeconds(60), SOME_DIGEST, SOME_ATTEMPT));
        try (Jedis jedis = pools.get(0).getResource()) {
            assertArrayEquals(RedisMetadataStore.recordValue(new RecordedBlock(SOME_DIGEST, SOME_ATTEMPT)),
                    jedis.hget((PREFIX + "upload:" + id + ":digests").getBytes(), "1".getBytes()));
            store.delete(id);
            assertFalse(jedis.exists(PREFIX + "upload:" + id + ":digests"));
        }
    }

    @Test
    void redisBitmap_isBigEndianWithinEachByte() {
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(9);
        bits.set(15);
        byte[] bitmap = RedisBitmap.toRedisBitmap(bits);
        Assertions.assertArrayEquals(new byte[] {(byte) 0x80, (byte) 0x41}, bitmap);
        assertEquals(bits, RedisBitmap.fromRedisBitmap(bitmap));
        try (Jedis jedis = pools.get(0).getResource()) {
            String key = PREFIX + "bitorder";
            jedis.setbit(key, 0, true);
            jedis.setbit(key, 9, true);
            jedis.setbit(key, 15, true);
            assertEquals(bits, RedisBitmap.fromRedisBitmap(jedis.get(key.getBytes())));
        }
    }

    private UploadId createdExpiringAt(Instant expiresAt) {
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                ChunkPlan.of(10L << 20, 1L << 20), "00".repeat(32), Optional.empty(),
                expiresAt.minus(Duration.ofHours(72)), expiresAt);
        store.create(session);
        return session.id();
    }

    private JedisPool pool() {
        JedisPool pool = SETTINGS.openPool();
        pools.add(pool);
        return pool;
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}

package dev.largeupload.metadata.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.BlockReceipt;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * A Redis server of this test's own (a child {@code redis-server} on a free port, without persistence)
 * that hangs, dies and comes back: every call fails fast with {@link StoreUnavailable} while it is away,
 * and the same store works again once it is back. Needs {@code redis-server} on the PATH; without it the
 * class is skipped, except with {@code CI=true}.
 */
class RedisMetadataStoreOutageTest {

    private static final Duration FAST = Duration.ofSeconds(3);
    private static final Sha256 SOME_DIGEST = Sha256.fromHex("ab".repeat(32), "test digest");

    private int port;
    private Process server;
    private JedisPool pool;
    private RedisMetadataStore store;

    @BeforeEach
    void startServer() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        startRedis();
        pool = RedisSettings.of("127.0.0.1", port, 0, Optional.empty(), false)
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(1000))
                .openPool();
        store = new RedisMetadataStore(pool, "outage:");
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (pool != null) {
            pool.close();
        }
        stopRedis();
    }

    @Test
    void calls_whileRedisHangs_failFastAsStoreUnavailable_andWorkAgainWhenItResumes() throws Exception {
        UploadId id = created();
        signal("STOP");
        try {
            assertUnavailableQuickly(() -> store.find(id));
            assertUnavailableQuickly(() -> store.recordBlock(id, receipt(1)));
            assertUnavailableQuickly(store::checkAvailable);
        } finally {
            signal("CONT");
        }
        assertEquals(2, store.recordBlock(id, receipt(1)));
    }

    @Test
    void calls_whileRedisIsDown_failFastAsStoreUnavailable_andWorkAgainAfterARestartOnTheSamePort() throws Exception {
        UploadId id = created();
        stopRedis();

        assertUnavailableQuickly(() -> store.find(id));
        assertUnavailableQuickly(() -> store.recordBlock(id, receipt(1)));
        assertUnavailableQuickly(() -> store.listExpired(Instant.now(), 10));
        assertUnavailableQuickly(store::checkAvailable);
        StoreUnavailable failure = assertThrows(StoreUnavailable.class, () -> store.receivedBlocks(id));
        assertEquals("store.unavailable", failure.code());

        startRedis();
        store.checkAvailable();
        // This server keeps nothing on disk, so the upload is gone; what matters is that the store answers.
        assertEquals(Optional.empty(), store.find(id));
        UploadId again = created();
        assertEquals(2, store.recordBlock(again, receipt(1)));
    }

    private UploadId created() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("outage.bin"),
                "application/octet-stream", ChunkPlan.of(10L << 20, 1L << 20), "00".repeat(32), Optional.empty(),
                now, now.plus(Duration.ofHours(1)));
        store.create(session);
        assertEquals(1, store.recordBlock(session.id(), receipt(0)));
        return session.id();
    }

    private static BlockReceipt receipt(int index) {
        return new BlockReceipt(index, Instant.now(), Instant.now().plus(Duration.ofHours(1)), SOME_DIGEST,
                dev.largeupload.domain.model.StagingAttempt.random());
    }

    private static void assertUnavailableQuickly(Executable call) {
        long started = System.nanoTime();
        assertThrows(StoreUnavailable.class, call);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(took < FAST.toMillis(), "StoreUnavailable came after " + took + " ms");
    }

    private void startRedis() throws Exception {
        try {
            server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            String why = "redis-server cannot be started: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why, e);
            }
            Assumptions.abort(why);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis jedis = new Jedis("127.0.0.1", port, 200)) {
                jedis.ping();
                return;
            } catch (RuntimeException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server on port " + port + " did not start", notYet);
                }
                Thread.sleep(20);
            }
        }
    }

    private void stopRedis() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(server.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}

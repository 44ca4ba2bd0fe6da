package dev.largeupload.web.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreProbeTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void probe_ofAStoreThatAnswers_isEmpty() {
        StoreProbe probe = new StoreProbe(() -> { }, executor, Duration.ofSeconds(10));

        assertEquals(Optional.empty(), probe.probe());
    }

    @Test
    void probe_ofAStoreThatFails_givesItsMessage() {
        StoreProbe probe = new StoreProbe(() -> {
            throw new IllegalStateException("The Redis metadata store could not answer a ping; try again shortly.");
        }, executor, Duration.ofSeconds(10));

        assertEquals(Optional.of("The Redis metadata store could not answer a ping; try again shortly."), probe.probe());
    }

    @Test
    void probe_ofAHungStore_givesUpAfterTheTimeout_andLaterProbesShareTheHungCheck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        StoreProbe probe = new StoreProbe(() -> {
            started.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, executor, Duration.ofMillis(200));

        Optional<String> first = probe.probe();
        Optional<String> second = probe.probe();

        assertTrue(first.orElseThrow().startsWith("no answer within 200 ms"), first.toString());
        assertTrue(second.isPresent());
        assertEquals(1, started.get(), "a second check was started while the first one hung");

        release.countDown();
        // Once the hung check is over, a probe asks the store again, and gets its answer.
        Optional<String> after;
        do {
            after = probe.probe();
        } while (started.get() < 2);
        assertEquals(Optional.empty(), after);
    }
}

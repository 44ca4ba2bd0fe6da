package dev.largeupload.web.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.web.config.HookSettings;
import dev.largeupload.web.observe.HookMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The deliverer against two receivers in this JVM and a one-event outbox. */
class HookDelivererTest {

    private final List<HttpServer> servers = new ArrayList<>();

    /** An outbox of one event that honours leases by claimant only (time is the test's). */
    private static final class OneEvent implements EventOutbox {
        PendingEvent pending;
        String claimant;
        Instant dueAt = Instant.EPOCH;
        boolean removed;

        OneEvent(UploadEvent event) {
            pending = new PendingEvent(event, 1, Set.of());
        }

        @Override
        public List<PendingEvent> claimDue(String by, Instant now, Duration lease, int limit) {
            if (removed || now.isBefore(dueAt)) {
                return List.of();
            }
            claimant = by;
            dueAt = now.plus(lease);
            return List.of(pending);
        }

        @Override
        public boolean release(String eventId, String by, Instant retryAt, Set<String> deliveredTo) {
            dueAt = retryAt;
            pending = new PendingEvent(pending.event(), pending.attempts() + 1, deliveredTo);
            return by.equals(claimant);
        }

        @Override
        public boolean remove(String eventId, String by) {
            removed = by.equals(claimant);
            return removed;
        }

        @Override
        public long backlog() {
            return removed ? 0 : 1;
        }
    }

    private URI receiver(AtomicInteger requests, int failFirst) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int n = requests.incrementAndGet();
            exchange.sendResponseHeaders(n <= failFirst ? 500 : 204, -1);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(0));
    }

    private static UploadEvent event() {
        return new UploadEvent("e-1", UploadEvent.Type.COMPLETED, Instant.now(), UploadId.random(), Optional.empty(),
                "a.bin", 1, Optional.empty(), Optional.empty(), "blob", UploadState.COMPLETED);
    }

    private static HookMetrics quietMetrics() {
        return new HookMetrics() {
            @Override
            public void delivery(boolean delivered) {
            }
        };
    }

    @Test
    void aFailingReceiver_getsTheEventAgain_butTheOneThatAcknowledgedItDoesNot() throws Exception {
        AtomicInteger good = new AtomicInteger();
        AtomicInteger flaky = new AtomicInteger();
        HookSettings settings = new HookSettings(List.of(receiver(good, 0), receiver(flaky, 2)), Optional.of("secret"),
                Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofSeconds(1));
        OneEvent outbox = new OneEvent(event());
        HookDeliverer deliverer = new HookDeliverer(outbox, settings, quietMetrics(), Clock.systemUTC());

        for (int round = 0; round < 50 && !outbox.removed; round++) {
            deliverer.deliverDue();
            Thread.sleep(3);
        }
        assertTrue(outbox.removed, "removed once both acknowledged");
        assertEquals(1, good.get(), "the receiver that acknowledged it is not sent it again");
        assertEquals(3, flaky.get(), "two failures, then the acknowledgement");
    }

    @Test
    void backoff_doublesFromTheMinimum_capped_withJitterBetweenHalfAndAll() {
        HookSettings settings = new HookSettings(List.of(URI.create("http://127.0.0.1:1/")), Optional.of("s"),
                Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(1));
        HookDeliverer deliverer = new HookDeliverer(new OneEvent(event()), settings, quietMetrics(), Clock.systemUTC());
        for (int i = 0; i < 100; i++) {
            Duration first = deliverer.backoff(1);
            Duration third = deliverer.backoff(3);
            Duration late = deliverer.backoff(40);
            assertTrue(first.toMillis() >= 500 && first.toMillis() <= 1000, first.toString());
            assertTrue(third.toMillis() >= 2000 && third.toMillis() <= 4000, third.toString());
            assertTrue(late.toMillis() >= 30_000 && late.toMillis() <= 60_000, late.toString());
        }
    }
}

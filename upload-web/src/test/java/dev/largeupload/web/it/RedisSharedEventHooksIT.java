package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.HookReceiver.Received;
import dev.largeupload.web.it.UploadClient.Upload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers sharing one Redis metadata store, both delivering the shared outbox to one {@link HookReceiver}: while
 * both are healthy, every event arrives exactly once (the outbox's leases let one server at a time deliver it), signed,
 * and in order per upload, whichever server made the change.
 */
class RedisSharedEventHooksIT {

    private static final String SECRET = "it-shared-secret-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int UPLOADS = 12;

    @TempDir
    static Path work;
    static HookReceiver receiver;
    static StoreEnvironment stores;
    static List<ServerProcess> servers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        receiver = new HookReceiver(SECRET);
        stores = StoreEnvironment.open(Stores.REDIS, Server.Proxied.NONE);
        Map<String, String> env = new HashMap<>(stores.env());
        env.putAll(Map.of("HOOK_URL", receiver.eventsUrl().toString(), "HOOK_SECRET", SECRET,
                "HOOK_POLL_INTERVAL", "PT0.1S", "HOOK_RETRY_MIN", "PT0.2S", "HOOK_RETRY_MAX", "PT0.5S"));
        CompletableFuture<ServerProcess> first = CompletableFuture.supplyAsync(() -> ServerProcess.start(work.resolve("a"), env));
        CompletableFuture<ServerProcess> second = CompletableFuture.supplyAsync(() -> ServerProcess.start(work.resolve("b"), env));
        servers.add(first.join());
        servers.add(second.join());
    }

    @AfterAll
    static void stop() {
        servers.forEach(ServerProcess::stop);
        if (stores != null) {
            stores.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void twoHealthyServers_deliverEveryEventExactlyOnce_inOrderPerUpload() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            // Each upload on one server (the blobs are each server's own disk); the events go to the shared outbox.
            UploadClient client = new UploadClient(servers.get(i % 2).base());
            Path file = TestFiles.random(work, "f" + i, 7, i);
            Upload upload = client.start("file-" + i + ".bin", 7, 7);
            assertEquals(200, client.putChunk(upload, 0, file, 0, 7).status());
            assertEquals(200, client.complete(upload).status());
            ids.add(upload.id());
        }
        Set<String> mine = Set.copyOf(ids);
        receiver.awaitEvents(e -> mine.contains(e.uploadId()), 2 * UPLOADS, WAIT);
        // One more upload's events, made after the others, as a barrier: a duplicate delivery of an earlier event would
        // most likely have arrived by the time these did.
        UploadClient last = new UploadClient(servers.get(0).base());
        Upload barrier = last.start("barrier.bin", 0, 1);
        assertEquals(200, last.complete(barrier).status());
        receiver.awaitEvents(e -> e.uploadId().equals(barrier.id()), 2, WAIT);

        List<Received> received = receiver.events().stream().filter(e -> mine.contains(e.uploadId())).toList();
        assertTrue(received.stream().allMatch(Received::signatureValid), "every signature is valid");
        Map<String, Long> perEvent = received.stream().collect(Collectors.groupingBy(Received::id, Collectors.counting()));
        assertEquals(2 * UPLOADS, perEvent.size(), "created and completed of every upload");
        assertTrue(perEvent.values().stream().allMatch(n -> n == 1), "each event delivered once: " + perEvent);
        Map<String, List<String>> perUpload = received.stream().collect(Collectors.groupingBy(Received::uploadId,
                Collectors.mapping(Received::type, Collectors.toList())));
        perUpload.forEach((id, types) -> assertEquals(List.of("upload.created", "upload.completed"), types, id));
    }
}

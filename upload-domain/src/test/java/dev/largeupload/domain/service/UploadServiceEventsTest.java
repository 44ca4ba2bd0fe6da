package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.domain.port.PreCreateHook;
import dev.largeupload.domain.service.Results.Initiated;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** What the use cases write to the outbox, and how they ask the pre-create hook. */
class UploadServiceEventsTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final byte[] FILE = "0123456789".getBytes(StandardCharsets.US_ASCII);

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final List<String> asked = new ArrayList<>();

    private UploadService service(boolean events, PreCreateHook hook) {
        return new UploadService(metadata, blobs, new UploadPolicy(16, 1000, TTL, true, Duration.ofMinutes(5)), clock,
                Executors.newCachedThreadPool(), new UploadHooks(events, proposed -> {
                    asked.add(proposed.fileName().value());
                    hook.check(proposed);
                }));
    }

    private static InitiateRequest request(String name) {
        return new InitiateRequest(name, FILE.length, OptionalLong.empty(), Optional.empty(), Optional.empty());
    }

    private List<UploadEvent> drain() {
        List<UploadEvent> events = new ArrayList<>();
        for (List<PendingEvent> claimed = metadata.outbox().claimDue("t", clock.instant(), Duration.ofMinutes(1), 100);
             !claimed.isEmpty(); claimed = metadata.outbox().claimDue("t", clock.instant(), Duration.ofMinutes(1), 100)) {
            for (PendingEvent pending : claimed) {
                events.add(pending.event());
                metadata.outbox().remove(pending.event().id(), "t");
            }
        }
        return events;
    }

    @Test
    void createCompleteAbortAndExpire_eachWriteTheirEvent_withTheUploadAsTheChangeLeftIt() {
        UploadService service = service(true, PreCreateHook.ALLOW_ALL);
        Initiated done = service.initiate(request("done.bin"));
        UploadId id = done.session().id();
        service.acceptChunk(id, done.uploadToken(), 0, new ByteArrayInputStream(FILE), FILE.length, ClientDigests.NONE);
        service.complete(id, done.uploadToken());
        service.complete(id, done.uploadToken());
        Initiated gone = service.initiate(request("gone.bin"));
        service.abort(gone.session().id(), gone.uploadToken());
        Initiated idle = service.initiate(request("idle.bin"));
        clock.advance(TTL.plusSeconds(1));
        assertTrue(service.expire(idle.session().id()));

        List<UploadEvent> events = drain();
        // In order per upload (the outbox gives each upload's oldest first; uploads interleave).
        assertEquals(java.util.Map.of("done.bin", List.of(UploadEvent.Type.CREATED, UploadEvent.Type.COMPLETED),
                        "gone.bin", List.of(UploadEvent.Type.CREATED, UploadEvent.Type.ABORTED),
                        "idle.bin", List.of(UploadEvent.Type.CREATED, UploadEvent.Type.EXPIRED)),
                events.stream().collect(java.util.stream.Collectors.groupingBy(UploadEvent::fileName,
                        java.util.stream.Collectors.mapping(UploadEvent::type, java.util.stream.Collectors.toList()))),
                "one event per change; a repeated complete writes none");
        UploadEvent completed = events.stream().filter(e -> e.type() == UploadEvent.Type.COMPLETED).findFirst().orElseThrow();
        assertEquals(UploadState.COMPLETED, completed.state());
        assertEquals(FILE.length, completed.fileSize());
        assertTrue(completed.compositeSha256().isPresent());
        assertEquals(done.session().blobName().value(), completed.blob());
        assertEquals(Optional.empty(), completed.subject());
    }

    @Test
    void withEventsOff_nothingIsWritten() {
        UploadService service = service(false, PreCreateHook.ALLOW_ALL);
        Initiated upload = service.initiate(request("quiet.bin"));
        service.abort(upload.session().id(), upload.uploadToken());
        assertEquals(0, metadata.outbox().backlog());
    }

    @Test
    void aRefusingPreCreateHook_isAskedFirst_andNothingIsCreated() {
        UploadService service = service(true, proposed -> {
            throw new UploadException.Rejected("no " + proposed.fileName().value());
        });
        UploadException.Rejected refused = assertThrows(UploadException.Rejected.class,
                () -> service.initiate(request("virus.exe")));
        assertEquals("no virus.exe", refused.getMessage());
        assertEquals(List.of("virus.exe"), asked);
        assertEquals(0, metadata.outbox().backlog());
        assertEquals(0, metadata.countActive(clock.instant()));
    }
}

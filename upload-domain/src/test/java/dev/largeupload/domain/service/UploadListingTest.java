package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.model.UploadToken;
import dev.largeupload.domain.service.UploadListing.Listed;
import dev.largeupload.domain.service.UploadListing.Page;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UploadListingTest {

    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");
    private final InMemoryMetadataStore store = new InMemoryMetadataStore();
    private final UploadListing listing = new UploadListing(store, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void mine_listsTheOwnersUploadsNewestFirst_filteredByState_pageByPage() {
        List<UploadSession> alice = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            alice.add(created("alice", NOW.minusSeconds(100 - i), "token"));
        }
        created("bob", NOW.minusSeconds(1), "token");
        for (int i = 0; i < 30; i += 3) {
            moveToCompleted(alice.get(i).id());
        }

        Page first = listing.mine(Caller.signedIn("alice", false), Optional.of(Listed.COMPLETED), Optional.empty(), 4);
        Page second = listing.mine(Caller.signedIn("alice", false), Optional.of(Listed.COMPLETED), first.next(), 4);
        Page third = listing.mine(Caller.signedIn("alice", false), Optional.of(Listed.COMPLETED), second.next(), 4);

        assertEquals(List.of(alice.get(27).id(), alice.get(24).id(), alice.get(21).id(), alice.get(18).id()), ids(first));
        assertEquals(List.of(alice.get(15).id(), alice.get(12).id(), alice.get(9).id(), alice.get(6).id()), ids(second));
        assertEquals(List.of(alice.get(3).id(), alice.get(0).id()), ids(third));
        assertTrue(third.next().isEmpty());
        assertEquals(31, listing.mine(Caller.signedIn("root", true), Optional.empty(), Optional.empty(), 200).items().size());
        assertThrows(IllegalArgumentException.class, () -> listing.mine(Caller.ANONYMOUS, Optional.empty(), Optional.empty(), 10));
    }

    @Test
    void presented_listsOnlyUploadsWhoseTokenMatches_andAnExpiredOneAsExpired() {
        UploadSession a = created("alice", NOW.minusSeconds(10), "ta");
        UploadSession b = created("alice", NOW.minusSeconds(5), "tb");
        UploadSession old = store(UploadSession.start(UploadId.random(), new FileName("old.bin"), "application/octet-stream",
                ChunkPlan.of(10, 10), UploadToken.hash("to"), Optional.empty(), NOW.minus(Duration.ofDays(4)), NOW.minusSeconds(1)));
        Map<UploadId, String> presented = new LinkedHashMap<>();
        presented.put(a.id(), "ta");
        presented.put(b.id(), "wrong");
        presented.put(old.id(), "to");
        presented.put(UploadId.random(), "x");

        Page page = listing.presented(presented, Optional.empty(), Optional.empty(), 50);

        assertEquals(List.of(a.id(), old.id()), ids(page));
        assertEquals(Listed.EXPIRED, listing.listedState(page.items().get(1)));
        assertEquals(List.of(old.id()), ids(listing.presented(presented, Optional.of(Listed.EXPIRED), Optional.empty(), 50)));
    }

    private UploadSession created(String owner, Instant at, String token) {
        return store(UploadSession.start(UploadId.random(), new FileName("f.bin"), "application/octet-stream",
                ChunkPlan.of(10, 10), UploadToken.hash(token), Optional.empty(), at, NOW.plus(Duration.ofHours(72)))
                .withOwner(Optional.of(owner)));
    }

    private UploadSession store(UploadSession session) {
        store.create(session);
        return session;
    }

    private void moveToCompleted(UploadId id) {
        store.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, NOW);
        store.compareAndSetState(id, UploadState.COMPLETING, UploadState.COMPLETED, NOW);
    }

    private static List<UploadId> ids(Page page) {
        return page.items().stream().map(UploadSession::id).toList();
    }
}

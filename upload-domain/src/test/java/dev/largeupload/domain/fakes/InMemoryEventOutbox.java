package dev.largeupload.domain.fakes;

import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.PendingEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link EventOutbox} in a map, for {@link InMemoryMetadataStore}: every method synchronised; events kept in the
 * order they were added, so the oldest of each upload is the first of it in that order.
 */
final class InMemoryEventOutbox implements EventOutbox {

    private static final class Entry {
        final UploadEvent event;
        int attempts;
        Instant dueAt;
        String claimant;
        Set<String> deliveredTo = Set.of();

        Entry(UploadEvent event) {
            this.event = event;
            this.dueAt = Instant.EPOCH;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    synchronized void add(UploadEvent event) {
        if (entries.putIfAbsent(event.id(), new Entry(event)) != null) {
            throw new IllegalStateException("an event with id " + event.id() + " is in the outbox");
        }
    }

    @Override
    public synchronized List<PendingEvent> claimDue(String claimant, Instant now, Duration lease, int limit) {
        List<PendingEvent> claimed = new ArrayList<>();
        java.util.Set<UploadId> seen = new java.util.HashSet<>();
        for (Entry entry : entries.values()) {
            if (claimed.size() >= limit) {
                break;
            }
            if (!seen.add(entry.event.uploadId()) || entry.dueAt.isAfter(now)) {
                continue;
            }
            entry.attempts++;
            entry.claimant = claimant;
            entry.dueAt = now.plus(lease);
            claimed.add(new PendingEvent(entry.event, entry.attempts, entry.deliveredTo));
        }
        return claimed;
    }

    @Override
    public synchronized boolean release(String eventId, String claimant, Instant retryAt, Set<String> deliveredTo) {
        Entry entry = entries.get(eventId);
        if (entry == null || !claimant.equals(entry.claimant)) {
            return false;
        }
        entry.claimant = null;
        entry.dueAt = retryAt;
        entry.deliveredTo = Set.copyOf(deliveredTo);
        return true;
    }

    @Override
    public synchronized boolean remove(String eventId, String claimant) {
        Entry entry = entries.get(eventId);
        if (entry == null || !claimant.equals(entry.claimant)) {
            return false;
        }
        entries.remove(eventId);
        return true;
    }

    @Override
    public synchronized long backlog() {
        return entries.size();
    }
}

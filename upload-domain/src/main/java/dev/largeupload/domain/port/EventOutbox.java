package dev.largeupload.domain.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The outbox of a {@link MetadataStore}: the {@link dev.largeupload.domain.model.UploadEvent}s its event-writing
 * methods wrote in the same atomic step as the state changes they describe, kept until a deliverer removes them.
 * An event is never lost: it stays until {@link #remove} (a crash of any server, before or during a delivery, leaves
 * it to be claimed again once its lease runs out), so delivery is at least once.
 *
 * <p>Every implementation guarantees:
 * <ul>
 *   <li><b>One claimant at a time</b>: {@link #claimDue} leases an event to one claimant; of any number of
 *       concurrent claims (threads or servers sharing the store) exactly one gets it, and no other claim gets it
 *       until the lease ends or the holder {@link #release}s it.</li>
 *   <li><b>In order per upload</b>: only the oldest event of an upload still in the outbox is ever claimed, so an
 *       upload's events are delivered in the order their changes happened (its created before its completed),
 *       while the events of other uploads do not wait for it.</li>
 *   <li><b>Durable once returned</b>, thread-safe, and no vendor exceptions (as {@link MetadataStore}).</li>
 * </ul>
 */
public interface EventOutbox {

    /**
     * Leases to {@code claimant} up to {@code limit} events that are due at {@code now} (never claimed, released
     * with a retry time at or before {@code now}, or whose last lease ended), each the oldest of its upload in the
     * outbox, oldest first; each lease ends at {@code now + lease}.
     */
    List<PendingEvent> claimDue(String claimant, Instant now, Duration lease, int limit);

    /**
     * Ends {@code claimant}'s lease of event {@code eventId} without removing it: it is due again at {@code retryAt},
     * and remembers {@code deliveredTo} (the destinations that acknowledged it, so far).
     *
     * @return whether {@code claimant} still held it; {@code false}, with nothing changed, when another claimed it
     */
    boolean release(String eventId, String claimant, Instant retryAt, Set<String> deliveredTo);

    /**
     * Removes event {@code eventId}, delivered, if {@code claimant} holds it; the next event of its upload becomes due.
     *
     * @return whether {@code claimant} held it and it was removed
     */
    boolean remove(String eventId, String claimant);

    /** How many events are in the outbox, delivered to no one or to some destinations yet (for a backlog gauge). */
    long backlog();
}

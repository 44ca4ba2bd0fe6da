package dev.largeupload.domain.port;

import dev.largeupload.domain.model.UploadEvent;
import java.util.Objects;
import java.util.Set;

/**
 * An event of an {@link EventOutbox} claimed for delivery: the event, how many times it was claimed (this claim
 * included), and the destinations that acknowledged it already, which a retry does not send it to again.
 */
public record PendingEvent(UploadEvent event, int attempts, Set<String> deliveredTo) {

    public PendingEvent {
        Objects.requireNonNull(event, "event");
        deliveredTo = Set.copyOf(deliveredTo);
        if (attempts < 1) {
            throw new IllegalArgumentException("a claimed event was claimed at least once; got " + attempts);
        }
    }
}

package dev.largeupload.web.hooks;

import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.web.config.HookSettings;
import dev.largeupload.web.observe.HookMetrics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the events of the metadata store's {@link EventOutbox} to every {@code HOOK_URL}, at least once. Each round
 * ({@link #deliverDue}, run every {@code HOOK_POLL_INTERVAL} on every server) claims due events under a lease, so one
 * server at a time delivers a given event; POSTs each to the URLs that did not acknowledge it yet; removes it once all
 * did; otherwise releases it with the URLs that did, due again after an exponential backoff with jitter
 * ({@code HOOK_RETRY_MIN} doubling per attempt up to {@code HOOK_RETRY_MAX}, each delay drawn between half and all of
 * that). The outbox claims only the oldest event of an upload, so an upload's events arrive in order.
 *
 * <p>Nothing is lost on a crash: an event leaves the outbox only after every URL answered 2xx; one whose server died
 * mid-delivery is claimed again when its lease ends, and may then arrive twice (receivers de-duplicate by {@code id}).
 * A store that cannot be reached fails the round, and the next round tries again.
 */
public final class HookDeliverer {

    private static final Logger LOG = Logger.getLogger(HookDeliverer.class.getName());
    /** Events claimed per claim. */
    static final int BATCH = 10;
    /** Claims per round at most, so one round ends even when events keep coming. */
    private static final int CLAIMS_PER_ROUND = 20;

    private final EventOutbox outbox;
    private final HookSettings settings;
    private final HookSender sender;
    private final HookMetrics metrics;
    private final Clock clock;
    private final String claimant = "server-" + UUID.randomUUID();
    private final Duration lease;

    public HookDeliverer(EventOutbox outbox, HookSettings settings, HookMetrics metrics, Clock clock) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sender = new HookSender(new HookSignature(settings.secret().orElseThrow()), settings.deliveryTimeout());
        // Long enough for a whole batch to time out on every URL, so a lease never ends while its holder still works.
        this.lease = settings.deliveryTimeout().multipliedBy((long) BATCH * settings.urls().size())
                .plus(Duration.ofSeconds(5));
    }

    /** One round: claims and delivers due events until none are due (or enough claims were made). */
    public void deliverDue() {
        for (int claim = 0; claim < CLAIMS_PER_ROUND; claim++) {
            List<PendingEvent> claimed = outbox.claimDue(claimant, clock.instant(), lease, BATCH);
            for (PendingEvent pending : claimed) {
                deliver(pending);
            }
            if (claimed.size() < BATCH) {
                return;
            }
        }
    }

    private void deliver(PendingEvent pending) {
        UploadEvent event = pending.event();
        Set<String> delivered = new HashSet<>(pending.deliveredTo());
        for (URI url : settings.urls()) {
            if (delivered.contains(url.toString())) {
                continue;
            }
            Instant sentAt = clock.instant();
            HookSender.Answer answer = sender.post(url, HookBodies.event(event, sentAt), event.id(), sentAt,
                    settings.deliveryTimeout());
            metrics.delivery(answer.succeeded());
            if (answer.succeeded()) {
                delivered.add(url.toString());
            } else {
                LOG.log(Level.FINE, () -> "Hook delivery failed: event=" + event.id() + " (" + event.type().wireName()
                        + "), url=" + url + ", status=" + answer.status() + ", attempt=" + pending.attempts());
            }
        }
        boolean all = settings.urls().stream().allMatch(url -> delivered.contains(url.toString()));
        if (all) {
            outbox.remove(event.id(), claimant);
        } else {
            Instant retryAt = clock.instant().plus(backoff(pending.attempts()));
            outbox.release(event.id(), claimant, retryAt, delivered);
            if (pending.attempts() % 10 == 1) {
                LOG.warning(() -> "Hook delivery of event " + event.id() + " (" + event.type().wireName() + " of upload "
                        + event.uploadId() + ") failed " + pending.attempts() + " time(s); retrying at " + retryAt);
            }
        }
    }

    /** The delay before attempt {@code attempts + 1}: min × 2^(attempts-1), at most max, between half and all of it. */
    Duration backoff(int attempts) {
        long min = settings.retryMin().toMillis();
        long max = settings.retryMax().toMillis();
        long delay = min;
        for (int i = 1; i < attempts && delay < max; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max);
        return Duration.ofMillis(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    }
}

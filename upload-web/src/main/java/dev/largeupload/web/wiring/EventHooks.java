package dev.largeupload.web.wiring;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.PreCreateHook;
import dev.largeupload.domain.service.UploadHooks;
import dev.largeupload.web.config.HookSettings;
import dev.largeupload.web.hooks.HookDeliverer;
import dev.largeupload.web.hooks.HttpPreCreateHook;
import dev.largeupload.web.observe.HookMetrics;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wires event hooks from {@link HookSettings}: whether the use cases write events and which pre-create hook they ask
 * ({@link #hooks}), and the delivery of the outbox on the container's managed scheduler ({@link #scheduleDeliveries}).
 */
final class EventHooks {

    private static final Logger LOG = Logger.getLogger(EventHooks.class.getName());

    private EventHooks() {
    }

    /** What the use cases do about hooks: write events when a {@code HOOK_URL} is set; ask the pre-create hook if one is. */
    static UploadHooks hooks(HookSettings settings, HookMetrics metrics) {
        PreCreateHook preCreate = settings.preCreateUrl()
                .<PreCreateHook>map(url -> observed(new HttpPreCreateHook(url, settings.secret().orElseThrow(),
                        settings.preCreateTimeout(), Clock.systemUTC()), metrics))
                .orElse(PreCreateHook.ALLOW_ALL);
        return new UploadHooks(settings.eventsOn(), preCreate);
    }

    private static PreCreateHook observed(PreCreateHook hook, HookMetrics metrics) {
        return proposed -> {
            try {
                hook.check(proposed);
                metrics.preCreate("allowed");
            } catch (UploadException.Rejected e) {
                metrics.preCreate("rejected");
                throw e;
            } catch (UploadException.HookUnavailable e) {
                metrics.preCreate("unavailable");
                throw e;
            }
        };
    }

    /**
     * Delivers the outbox of {@code metadata} every {@code HOOK_POLL_INTERVAL}, when events are on: every server runs
     * it; the outbox's leases let one at a time deliver each event. Publishes the backlog gauge.
     */
    static Optional<ScheduledFuture<?>> scheduleDeliveries(ManagedScheduledExecutorService scheduler, MetadataStore metadata,
                                                           HookSettings settings, HookMetrics metrics) {
        if (!settings.eventsOn()) {
            return Optional.empty();
        }
        metrics.backlogFrom(() -> metadata.outbox().backlog());
        HookDeliverer deliverer = new HookDeliverer(metadata.outbox(), settings, metrics, Clock.systemUTC());
        long interval = settings.pollInterval().toMillis();
        return Optional.of(scheduler.scheduleWithFixedDelay(() -> {
            try {
                deliverer.deliverDue();
            } catch (RuntimeException e) {
                // A store briefly down must not cancel the schedule; the events wait in the outbox for the next round.
                LOG.log(Level.WARNING, "Hook delivery round failed; retrying at the next interval: " + e.getMessage(), e);
            }
        }, interval, interval, TimeUnit.MILLISECONDS));
    }
}

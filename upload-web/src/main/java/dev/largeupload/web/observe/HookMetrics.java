package dev.largeupload.web.observe;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Event hooks as operators see them (MicroProfile Metrics, application scope): {@code hook_deliveries_total{outcome}}
 * (one per POST of an event to one URL: {@code delivered} or {@code failed}), {@code hook_delivery_failures_total}
 * (the failed ones), {@code hook_outbox_backlog} (events not yet delivered everywhere, in the shared store, once a
 * source is set), and {@code hook_pre_create_total{outcome}} ({@code allowed}, {@code rejected}, {@code unavailable}).
 */
@ApplicationScoped
public class HookMetrics {

    private static final Logger LOG = Logger.getLogger(HookMetrics.class.getName());

    @Inject
    MetricRegistry registry;

    private Counter failures;

    @PostConstruct
    void register() {
        failures = registry.counter(Metadata.builder().withName("hook.delivery.failures")
                .withDescription("Deliveries of an event to a hook URL that failed (no 2xx answer in time)").build());
    }

    /** One POST of an event to one URL: delivered (2xx) or not. */
    public void delivery(boolean delivered) {
        registry.counter(Metadata.builder().withName("hook.deliveries")
                .withDescription("POSTs of events to hook URLs, by outcome").build(),
                new Tag("outcome", delivered ? "delivered" : "failed")).inc();
        if (!delivered) {
            failures.inc();
        }
    }

    /** One question to the pre-create hook: {@code allowed}, {@code rejected} or {@code unavailable}. */
    public void preCreate(String outcome) {
        registry.counter(Metadata.builder().withName("hook.pre.create")
                .withDescription("Questions to the pre-create hook, by outcome").build(), new Tag("outcome", outcome)).inc();
    }

    /** Publishes the outbox's backlog as {@code hook_outbox_backlog}, read at every scrape; NaN when it fails. */
    public void backlogFrom(LongSupplier source) {
        registry.gauge(Metadata.builder().withName("hook.outbox.backlog")
                .withDescription("Events in the outbox not yet delivered to every hook URL").build(), () -> {
                    try {
                        return (double) source.getAsLong();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "reading the outbox backlog failed", e);
                        return Double.NaN;
                    }
                });
    }
}

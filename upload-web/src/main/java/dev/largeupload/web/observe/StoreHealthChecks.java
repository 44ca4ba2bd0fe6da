package dev.largeupload.web.observe;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health checks. Liveness ({@code /health/live}): the application runs. Readiness
 * ({@code /health/ready}): the metadata store and the blob store each answer a trivial request
 * ({@code checkAvailable()} of their port) within {@link #TIMEOUT}, asked on a thread of their own,
 * never the probe's, so a hung store turns readiness DOWN in two seconds instead of hanging the probe.
 */
@ApplicationScoped
public class StoreHealthChecks {

    /** The longest a readiness probe waits for one store. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Inject
    ConfiguredStores stores;

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "store-health-check-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private StoreProbe metadataProbe;
    private StoreProbe blobProbe;

    @PostConstruct
    void createProbes() {
        metadataProbe = new StoreProbe(() -> stores.metadata().checkAvailable(), executor, TIMEOUT);
        blobProbe = new StoreProbe(() -> stores.blobs().checkAvailable(), executor, TIMEOUT);
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.up("upload-service");
    }

    @Produces
    @Readiness
    HealthCheck metadataStore() {
        return () -> answer("metadata-store", stores.metadataKind(), metadataProbe.probe());
    }

    @Produces
    @Readiness
    HealthCheck blobStore() {
        return () -> answer("blob-store", stores.blobKind(), blobProbe.probe());
    }

    private static HealthCheckResponse answer(String name, String kind, Optional<String> failure) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name).withData("store", kind);
        return failure.map(error -> response.down().withData("error", error)).orElseGet(response::up).build();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}

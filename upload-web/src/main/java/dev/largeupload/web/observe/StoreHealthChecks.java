package dev.largeupload.web.observe;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health checks. Liveness ({@code /health/live}): the application is running.
 * Readiness ({@code /health/ready}): the metadata store and the blob store each answer a trivial
 * request within {@link #TIMEOUT}. Each store is asked on a thread of its own, never the request's,
 * so a hung store makes readiness DOWN in two seconds instead of hanging the probe; while a hung
 * check is still waiting, later probes wait for that same check instead of starting more.
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
    private final Probe metadataProbe = new Probe();
    private final Probe blobProbe = new Probe();

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.up("upload-service");
    }

    @Produces
    @Readiness
    HealthCheck metadataStore() {
        return () -> metadataProbe.check("metadata-store", stores.metadataKind(), () -> stores.metadata().checkAvailable());
    }

    @Produces
    @Readiness
    HealthCheck blobStore() {
        return () -> blobProbe.check("blob-store", stores.blobKind(), () -> stores.blobs().checkAvailable());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** One store's check, shared by concurrent probes while it runs. */
    private final class Probe {

        private CompletableFuture<Void> running;

        HealthCheckResponse check(String name, String kind, Runnable check) {
            CompletableFuture<Void> answer = start(check);
            var response = HealthCheckResponse.named(name).withData("store", kind);
            try {
                answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return response.up().build();
            } catch (TimeoutException e) {
                return response.down().withData("error", "no answer within " + TIMEOUT.toSeconds() + " s").build();
            } catch (ExecutionException e) {
                // The port's message names the store and the failure, never a secret.
                return response.down().withData("error", String.valueOf(e.getCause().getMessage())).build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response.down().withData("error", "interrupted").build();
            }
        }

        private synchronized CompletableFuture<Void> start(Runnable check) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.runAsync(check, executor);
            }
            return running;
        }
    }
}

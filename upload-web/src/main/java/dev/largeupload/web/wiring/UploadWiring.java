package dev.largeupload.web.wiring;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.port.DirectTransfers;
import dev.largeupload.domain.service.DirectTransferService;
import dev.largeupload.web.config.TransferModes;
import java.util.Optional;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.service.UploadPolicy;
import dev.largeupload.domain.service.AppendService;
import dev.largeupload.domain.service.ConcatenationService;
import dev.largeupload.domain.service.UploadService;
import java.util.concurrent.Executors;
import dev.largeupload.domain.usecase.ExpireUploadsUseCase;
import dev.largeupload.web.auth.SignIn;
import dev.largeupload.web.config.ConfigurationException;
import dev.largeupload.web.config.HookSettings;
import dev.largeupload.web.config.LaunchDirectory;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.config.SettingsReader;
import dev.largeupload.web.config.ServerSettings.Limits;
import dev.largeupload.web.launch.ServerLauncher;
import dev.largeupload.web.observe.ConfiguredStores;
import dev.largeupload.web.observe.HookMetrics;
import dev.largeupload.web.observe.UploadMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one place that knows which adapters run: it reads the configuration, builds the stores it
 * names ({@link MetadataStores}, {@link BlobStores}), and builds the {@link UploadService} behind the
 * use-case beans ({@link UploadUseCases}).
 * Everything is built when the application starts, so bad configuration or an unreachable store
 * fails the application at once with one line naming the key, instead of failing the first upload
 * (and, run from the runnable jar, stops the server with a non-zero exit status).
 */
@ApplicationScoped
public class UploadWiring {

    private static final Logger LOG = Logger.getLogger(UploadWiring.class.getName());

    /** How many uploads one sweep round expires (and how many old records it removes) at most. */
    private static final int SWEEP_BATCH = 500;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    UploadMetrics metrics;

    @Inject
    HookMetrics hookMetrics;

    /** Optional sign-in: when on, every use case sees the metadata as the request's caller may ({@link SignIn#scope}). */
    @Inject
    SignIn signIn;

    /** The sweep as a bean, so that what each round does is observed like any other use case. */
    @Inject
    ExpireUploadsUseCase sweep;

    private final Resources resources = new Resources();
    private ScheduledFuture<?> sweeps;
    private ScheduledFuture<?> hookDeliveries;
    private ServerSettings settings;
    private UploadService service;
    private DirectTransferService targets;
    private TransferModes transferModes;
    private AppendService appends;
    private ConcatenationService concatenations;
    private ConfiguredStores stores;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        try {
            Config config = ConfigProvider.getConfig();
            SettingsReader reader = new SettingsReader(key -> config.getOptionalValue(key, String.class), LaunchDirectory.find());
            settings = reader.read();
            HookSettings hooks = HookSettings.read(reader);
            MetadataStore metadata = reachable(MetadataStores.key(settings),
                    () -> MetadataStores.create(settings, reader, resources));
            BlobStore blobs = reachable(BlobStores.key(settings), () -> BlobStores.create(settings, reader));
            stores = new ConfiguredStores(settings.metadataStore().name().toLowerCase(Locale.ROOT), metadata,
                    settings.blobStore().name().toLowerCase(Locale.ROOT), blobs);
            Limits limits = settings.limits();
            MetadataStore scoped = signIn.scope(metadata);
            Optional<DirectTransfers> direct = BlobStores.directTransfers(settings, reader, blobs);
            UploadPolicy policy = new UploadPolicy(settings.chunkSize(), limits.maxChunkSize(),
                    settings.maxFileSize(), settings.uploadTtl(), settings.requireUploadToken(), limits.completionLease(),
                    limits.maxActiveUploads(), limits.expiredRetention(), limits.minBlockSize());
            service = new UploadService(scoped, blobs, policy, Clock.systemUTC(), direct, EventHooks.hooks(hooks, hookMetrics));
            targets = new DirectTransferService(scoped, direct, policy, limits.directSasTtl(), Clock.systemUTC());
            transferModes = new TransferModes(service.transferModes().stream().map(TransferMode::wireName).toList());
            appends = new AppendService(scoped, blobs, BlobStores.pieces(settings, blobs), service, service.policy(),
                    Clock.systemUTC(), Executors.newCachedThreadPool(task -> {
                        Thread thread = new Thread(task, "upload-append-recorder");
                        thread.setDaemon(true);
                        return thread;
                    }));
            concatenations = new ConcatenationService(scoped, service, Clock.systemUTC());
            metrics.countActiveWith(() -> metadata.countActive(Instant.now()));
            scheduleSweeps(limits.sweepInterval());
            hookDeliveries = EventHooks.scheduleDeliveries(scheduler, metadata, hooks, hookMetrics).orElse(null);
            LOG.info(() -> "Upload service ready: metadata=" + settings.metadataStore().name().toLowerCase(Locale.ROOT)
                    + ", blobs=" + settings.blobStore().name().toLowerCase(Locale.ROOT) + ", data=" + settings.dataDir()
                    + ", chunk size=" + settings.chunkSize() + ", upload token required=" + settings.requireUploadToken()
                    + ", transfers=" + String.join("+", transferModes.wireNames()));
        } catch (ConfigurationException e) {
            resources.close();
            stopAtStart(e);
        }
    }

    /** Builds a store, turning "cannot reach it" into a configuration failure that names {@code key}. */
    private static <T> T reachable(String key, Supplier<T> build) {
        try {
            return build.get();
        } catch (UploadException.StoreUnavailable e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigurationException(key, "the store cannot be reached: " + firstLine(cause.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key, firstLine(e.getMessage()));
        }
    }

    /**
     * Fails this application, and only it: the exception makes Liberty mark the application as not
     * started (on a shared server the others keep running), and its message is the one line naming the
     * key. Run from the runnable jar, the launcher sees the published reason and stops the server with a
     * non-zero exit status, through Liberty's orderly shutdown.
     */
    private static void stopAtStart(ConfigurationException e) {
        if (Boolean.getBoolean(ServerLauncher.RUNNABLE_JAR)) {
            // Hold this application's start until the launcher has begun stopping the JVM, so that Liberty
            // never gets to announce a started server first.
            CountDownLatch exiting = new CountDownLatch(1);
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(exiting::countDown, "upload-start-refused"));
                System.setProperty(ServerLauncher.STARTUP_FAILURE, e.getMessage());
                exiting.await(30, TimeUnit.SECONDS);
            } catch (IllegalStateException alreadyExiting) {
                // the JVM is stopping already
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        throw e;
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** The service {@link UploadUseCases} hands every use case to; not a bean, so nothing bypasses the decorators. */
    UploadService service() {
        return service;
    }

    /** The staging targets of direct uploads, behind {@link UploadUseCases}. */
    DirectTransferService targets() {
        return targets;
    }

    /** The transfer modes this server offers, for {@code GET /api/config}. */
    @Produces
    public TransferModes transferModes() {
        return transferModes;
    }

    /** The append use case behind {@link AppendUseCases}. */
    AppendService appends() {
        return appends;
    }

    /** The concatenation use case behind {@link ConcatenationUseCases}. */
    ConcatenationService concatenations() {
        return concatenations;
    }

    @Produces
    public ServerSettings settings() {
        return settings;
    }

    /**
     * Runs {@link ExpireUploadsUseCase#sweep} every {@code interval} on the container's managed scheduler. Every
     * server of a deployment runs it; the stores' compare-and-set lets exactly one expire each upload.
     */
    private void scheduleSweeps(Duration interval) {
        sweeps = scheduler.scheduleWithFixedDelay(this::sweepOnce, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void sweepOnce() {
        try {
            sweep.sweep(SWEEP_BATCH);
        } catch (RuntimeException e) {
            // A failed round (a store briefly down) must not cancel the schedule; the next round retries.
            LOG.log(Level.WARNING, "Expiry sweep failed; retrying at the next interval: " + e.getMessage(), e);
        }
    }

    /** The stores in use, for the readiness checks. */
    @Produces
    public ConfiguredStores stores() {
        return stores;
    }

    @PreDestroy
    void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        if (hookDeliveries != null) {
            hookDeliveries.cancel(false);
        }
        resources.close();
    }
}

package dev.largeupload.web.observe;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.service.UploadService.SweepResult;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The upload life cycle as operators see it: the decorators around the use cases ({@code Observed*} in this
 * package) report every event here once, whichever edge caused it, and each is counted in MicroProfile
 * Metrics ({@code /metrics}, application scope) and written as one log line with the upload id, sizes and
 * durations. A request an edge refuses before it calls a use case (bad syntax) is not an upload event. Neither ever holds a token, a file name or a byte of content.
 *
 * <p>Metrics (Prometheus names): {@code uploads_initiated_total}, {@code uploads_completed_total},
 * {@code uploads_aborted_total}, {@code uploads_expired_total}, {@code upload_bytes_received_total}
 * (bytes of accepted chunks), {@code upload_chunks_accepted_total}, {@code upload_chunks_refused_total{reason=<problem code>}},
 * {@code upload_checksum_failures_total}, {@code uploads_active} (once a source is set with
 * {@link #countActiveWith}), and the timer {@code upload_chunk_staging_seconds} (receiving, staging and
 * recording one chunk; buckets only, see microprofile-config.properties). Counters count this server's events since it started; Prometheus sums servers.
 *
 * <p>Log lines (logger {@code dev.largeupload.web.observe.UploadMetrics}): initiated, completed,
 * aborted, deleted and expired at INFO; every chunk, accepted or refused, at FINE.
 */
@ApplicationScoped
public class UploadMetrics {

    private static final Logger LOG = Logger.getLogger(UploadMetrics.class.getName());
    private static final String CHECKSUM_MISMATCH = "upload.checksum-mismatch";

    @Inject
    MetricRegistry registry;

    private Counter initiated;
    private Counter completed;
    private Counter aborted;
    private Counter expired;
    private Counter bytesReceived;
    private Counter chunksAccepted;
    private Counter checksumFailures;
    private Timer chunkStaging;

    @PostConstruct
    void register() {
        initiated = counter("uploads.initiated", "Uploads started (init answered 201)", MetricUnits.NONE);
        completed = counter("uploads.completed", "Uploads committed (a repeated complete is not counted again)", MetricUnits.NONE);
        aborted = counter("uploads.aborted", "Active uploads aborted by their owner (DELETE)", MetricUnits.NONE);
        expired = counter("uploads.expired", "Idle uploads expired by the expiry job", MetricUnits.NONE);
        bytesReceived = counter("upload.bytes.received", "Bytes of chunks accepted (staged and recorded)", MetricUnits.NONE);
        chunksAccepted = counter("upload.chunks.accepted", "Chunks staged and recorded", MetricUnits.NONE);
        checksumFailures = counter("upload.checksum.failures",
                "Chunks or files refused because their bytes did not match a client's digest", MetricUnits.NONE);
        chunkStaging = registry.timer(Metadata.builder().withName("upload.chunk.staging")
                .withDescription("Time to receive, stage and record one accepted chunk").build());
    }

    private Counter counter(String name, String description, String unit) {
        return registry.counter(Metadata.builder().withName(name).withDescription(description).withUnit(unit).build());
    }

    /**
     * Publishes the number of active uploads as the gauge {@code uploads_active}, read from {@code source}
     * at every scrape (for example the metadata store's count, which all servers share). A source that
     * fails reports NaN for that scrape.
     */
    public void countActiveWith(IntSupplier source) {
        registry.gauge(Metadata.builder().withName("uploads.active")
                .withDescription("Uploads that are active and not expired, in the shared metadata store").build(),
                () -> {
                    try {
                        return (double) source.getAsInt();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "counting active uploads failed", e);
                        return Double.NaN;
                    }
                });
    }

    /** An upload began. */
    public void initiated(Initiated started) {
        initiated.inc();
        UploadSession s = started.session();
        LOG.info(() -> "Upload initiated: id=" + s.id() + ", size=" + s.plan().fileSize() + " bytes, chunks="
                + s.plan().chunkCount() + " of " + s.plan().chunkSize() + " bytes");
    }

    /** A chunk was staged and recorded; {@code took} is the time to receive, stage and record it. */
    public void chunkAccepted(ChunkAccepted accepted, Duration took) {
        long bytes = accepted.session().plan().lengthOf(accepted.index());
        chunksAccepted.inc();
        bytesReceived.inc(bytes);
        chunkStaging.update(took);
        LOG.fine(() -> "Chunk accepted: id=" + accepted.session().id() + ", index=" + accepted.index() + ", size="
                + bytes + " bytes, took=" + took.toMillis() + " ms, received=" + accepted.receivedCount() + "/"
                + accepted.session().plan().chunkCount());
    }

    /** An append by offset (a tus PATCH) moved an upload's durable offset by {@code bytes}. */
    public void appended(long bytes) {
        bytesReceived.inc(bytes);
    }

    /** A chunk was refused with the problem code {@code code}. */
    public void chunkRefused(String code, RuntimeException e) {
        registry.counter(Metadata.builder().withName("upload.chunks.refused")
                .withDescription("Chunks the upload service refused, by the problem code of the answer").build(), new Tag("reason", code)).inc();
        if (CHECKSUM_MISMATCH.equals(code)) {
            checksumFailures.inc();
        }
        LOG.fine(() -> "Chunk refused: code=" + code + ", " + e.getMessage());
    }

    /** A {@code complete} succeeded: counted when it committed the upload (a repeated complete is not a new one). */
    public void completed(Completed done) {
        if (done.committedNow()) {
            completed.inc();
            UploadSession s = done.session();
            LOG.info(() -> "Upload completed: id=" + s.id() + ", size=" + s.plan().fileSize() + " bytes, chunks="
                    + s.plan().chunkCount() + ", duration=" + seconds(Duration.between(s.createdAt(), s.updatedAt()))
                    + " since initiated");
        }
    }

    /** A {@code complete} was refused; a whole-file or composite checksum failure is counted. */
    public void completionRefused(UploadException e) {
        if (CHECKSUM_MISMATCH.equals(e.code())) {
            checksumFailures.inc();
            LOG.info(() -> "Upload refused at completion: code=" + e.code() + ", " + e.getMessage());
        }
    }

    /** An upload was deleted by its owner; {@code before} is how it stood just before. */
    public void deleted(UploadSession before) {
        if (before.state() == UploadState.COMPLETED) {
            LOG.info(() -> "Upload deleted: id=" + before.id() + ", size=" + before.plan().fileSize() + " bytes");
        } else if (before.state() == UploadState.ACTIVE || before.state() == UploadState.COMPLETING) {
            aborted.inc();
            LOG.info(() -> "Upload aborted: id=" + before.id() + ", received=" + before.receivedCount() + "/"
                    + before.plan().chunkCount() + " chunks (" + before.receivedBytes() + " of "
                    + before.plan().fileSize() + " bytes)");
        } else {
            // Already aborted or expired: this call only finished removing it.
            LOG.fine(() -> "Upload removed: id=" + before.id() + ", state was " + before.state());
        }
    }

    /**
     * One round of the expiry sweep: {@code expired} idle uploads (their staged data discarded), and the
     * records removed of uploads that ended longer than the retention ago.
     */
    public void swept(SweepResult result) {
        int count = result.expired();
        if (count > 0) {
            expired.inc(count);
            LOG.info(() -> "Uploads expired: count=" + count);
        }
        if (result.removed() > 0) {
            LOG.info(() -> "Expiry sweep: removed the records of " + result.removed()
                    + " upload(s) that expired or were aborted more than the retention ago");
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toMillis() / 1000.0);
    }
}

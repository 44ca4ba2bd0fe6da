package dev.largeupload.benchmark;

import java.net.URI;

/** Sending whole uploads of raw {@code PUT} chunks, one HTTP client per sender. */
final class Ingest {

    /** The chunk size of the request-path warm-up: small, so that the warm-up is thousands of requests. */
    private static final long WARM_UP_CHUNK = 64 * 1024;

    private Ingest() {
    }

    /**
     * One warm-up round for a server's JIT ({@link Bench#warmUp} repeats it until the JIT is steady):
     * {@code bytes / 128 KiB} chunks of 64 KiB, 4 in flight (per-request code compiles after thousands
     * of calls, not dozens), then {@code bytes} in 8 MiB chunks, 2 in flight (the per-byte loops).
     */
    static void warmUp(UploadApi[] clients, long bytes, UploadApi.Digests digests) {
        long requests = Math.max(1, bytes / (2 * WARM_UP_CHUNK));
        upload(clients, requests * WARM_UP_CHUNK, WARM_UP_CHUNK, Math.min(4, clients.length), digests);
        upload(clients, bytes, 8 * Mode.MIB, Math.min(2, clients.length), digests);
    }

    static UploadApi[] clients(URI base, Payload payload, int count) {
        UploadApi[] clients = new UploadApi[count];
        for (int i = 0; i < count; i++) {
            clients[i] = new UploadApi(base, payload);
        }
        return clients;
    }

    /**
     * Starts an upload of {@code bytes} in chunks of {@code chunkSize}, sends every chunk with
     * {@code inFlight} at once (timed), then deletes the upload (not timed) so the disk stays free.
     */
    static Parallel.Timing upload(UploadApi[] clients, long bytes, long chunkSize, int inFlight, UploadApi.Digests digests) {
        UploadApi.Upload upload = clients[0].init("benchmark.bin", bytes, chunkSize);
        try {
            return Parallel.run(upload.totalChunks(), inFlight,
                    (worker, index) -> clients[worker].putChunk(upload, index, chunkSize, digests));
        } finally {
            clients[0].delete(upload);
        }
    }

    /** The same chunks to a server that discards them ({@link HttpSink}): the HTTP cost alone. */
    static Parallel.Timing discard(UploadApi[] sinkClients, long bytes, long chunkSize, int inFlight) {
        UploadApi.Upload any = new UploadApi.Upload("sink", "sink", chunkSize, (int) (bytes / chunkSize));
        return Parallel.run(any.totalChunks(), inFlight,
                (worker, index) -> sinkClients[worker].putChunk(any, index, chunkSize, UploadApi.Digests.NONE));
    }
}

package dev.largeupload.benchmark;

import java.net.URI;

/** Sending whole uploads of raw {@code PUT} chunks, one HTTP client per sender. */
final class Ingest {

    private Ingest() {
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

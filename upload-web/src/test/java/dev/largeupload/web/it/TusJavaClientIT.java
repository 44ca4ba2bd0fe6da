package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusURLStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus-java-client 0.5.0 from Maven Central, unmodified, as its README uses it, against the tus edge of the
 * real server (embedded default). It sends each {@code PATCH} as {@code POST} with
 * {@code X-HTTP-Method-Override: PATCH} (Java's HttpURLConnection has no PATCH), chunked
 * ({@code Transfer-Encoding: chunked}, no Content-Length), with {@code Expect: 100-continue}, in requests of
 * {@value #PAYLOAD} bytes. A file uploads byte-exact; and an upload interrupted by a {@code kill -9} of the
 * server is resumed after the restart by the URL the client stored for the file's fingerprint
 * ({@code resumeUpload}, a {@code HEAD} for the offset), from no lower than what it kept, byte-exact.
 *
 * <p>The file is {@value #DEFAULT_BYTES} bytes; {@code -Dtus.it.java.bytes=N} changes it.
 * {@code -Dtus.it.target=tus-server} runs the same tests against {@code @tus/server} ({@link TusPeer}): a check
 * of the tests themselves, not part of CI.
 */
@Server
class TusJavaClientIT {

    static final long DEFAULT_BYTES = 64L * 1024 * 1024;
    static final long BYTES = Long.getLong("tus.it.java.bytes", DEFAULT_BYTES);
    /** Bytes per request (the client's request payload size); its default is 10 MiB. */
    static final int PAYLOAD = 8 * 1024 * 1024;
    /** Bytes the client writes per {@code uploadChunk} call. */
    static final int CHUNK = 1024 * 1024;

    static TusTarget target;

    @TempDir
    Path work;

    @BeforeAll
    static void chooseTarget(ServerProcess server, @TempDir Path peerDir) {
        target = TusTarget.chosen(server, peerDir);
    }

    @AfterAll
    static void closeTarget() throws Exception {
        if (target instanceof AutoCloseable peer) {
            peer.close();
        }
    }

    @Test
    void uploadByTusJavaClient_downloadsByteExact() throws Exception {
        Path file = TestFiles.random(work, "java.bin", BYTES, 31);
        TusClient client = client(new TusURLMemoryStore());
        TusUpload upload = upload(file);
        TusUploader uploader = client.createUpload(upload);
        uploader.setChunkSize(CHUNK);
        uploader.setRequestPayloadSize(PAYLOAD);
        long start = System.nanoTime();
        while (uploader.uploadChunk() > -1) {
            // each call writes one chunk; a request ends after PAYLOAD bytes and its answer is checked
        }
        uploader.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("TusJavaClientIT on %s: %d bytes in %.2f s (%.0f MB/s)%n", target, BYTES, seconds, BYTES / seconds / 1e6);
        assertEquals(BYTES, uploader.getOffset());
        assertByteExact(file, uploader.getUploadURL());
    }

    @Test
    void killedMidUpload_resumeUploadByTheStoredUrl_continuesFromWhatTheServerKept_byteExact() throws Exception {
        Path file = TestFiles.random(work, "java-resumed.bin", BYTES, 32);
        TusURLStore store = new TusURLMemoryStore();
        TusUploader first = client(store).createUpload(upload(file));
        first.setChunkSize(CHUNK);
        first.setRequestPayloadSize(PAYLOAD);
        URL uploadUrl = first.getUploadURL();
        while (first.getOffset() < BYTES / 2) {
            assertTrue(first.uploadChunk() > -1, "the file is not over yet");
        }
        target.kill();
        // The open request dies with the server: the client sees an error, whether at once or at the request's end.
        assertThrows(Exception.class, () -> {
            while (first.uploadChunk() > -1) {
                // write until the dead connection refuses
            }
            first.finish();
        });
        target.startAgain();

        TusUpload again = upload(file);
        assertNotNull(store.get(again.getFingerprint()), "the client stored the upload URL under the file's fingerprint");
        TusUploader second = client(store).resumeUpload(again);
        assertEquals(uploadUrl, second.getUploadURL(), "resumed at the URL it stored, not created anew");
        long resumedFrom = second.getOffset();
        System.out.printf("TusJavaClientIT on %s: the server kept %d of the %d bytes the client had written before the kill%n",
                target, resumedFrom, BYTES / 2);
        assertTrue(resumedFrom > 0 && resumedFrom <= BYTES, "the offset HEAD reports after the restart: " + resumedFrom);
        second.setChunkSize(CHUNK);
        second.setRequestPayloadSize(PAYLOAD);
        while (second.uploadChunk() > -1) {
            // the rest of the file, from the offset the server reported
        }
        second.finish();
        assertEquals(BYTES, second.getOffset());
        assertByteExact(file, second.getUploadURL());
    }

    private static TusClient client(TusURLStore store) throws IOException {
        TusClient client = new TusClient();
        client.setUploadCreationURL(target.endpoint().toURL());
        client.enableResuming(store);
        return client;
    }

    private static TusUpload upload(Path file) throws IOException {
        TusUpload upload = new TusUpload(file.toFile());
        upload.setMetadata(Map.of("filename", file.getFileName().toString(), "filetype", "application/octet-stream"));
        return upload;
    }

    private static void assertByteExact(Path file, URL uploadUrl) throws Exception {
        URI url = uploadUrl.toURI();
        assertTrue(url.toString().startsWith(target.endpoint().toString()), url + " is under " + target.endpoint());
        TusDownload.Digest download = TusDownload.sha256(url);
        assertEquals(TestFiles.fileSize(file), download.length(), "length downloaded from " + url);
        assertEquals(TestFiles.sha256(file), download.sha256(), "SHA-256 downloaded from " + url);
    }
}

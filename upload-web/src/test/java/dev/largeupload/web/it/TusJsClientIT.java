package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus-js-client 4.3.1 on Node, unmodified ({@link TusJsClient}), against the tus edge of the real server on
 * the embedded default (H2, filesystem; {@link AzureTusJsClientIT}: on Azurite): a file sent with
 * {@code parallelUploads: 4} (four partial uploads and a final one, the concatenation extension) downloads
 * byte-exact from the final upload's URL; and the same after a {@code kill -9} of the server mid-upload,
 * restarted, where a second client process resumes by the upload URLs the first one stored in its
 * {@code FileUrlStorage} (findPreviousUploads, resumeFromPreviousUpload), creating no upload again.
 *
 * <p>The file is {@value #DEFAULT_BYTES} bytes (256 MiB, what issue 15 asks to show); {@code -Dtus.it.bytes=N}
 * changes it. {@code -Dtus.it.target=tus-server} runs the same tests against {@code @tus/server} instead
 * ({@link TusPeer}; it has no concatenation, so there the client uploads with {@code parallelUploads: 1}):
 * a check of the tests themselves, not part of CI.
 */
@Server
class TusJsClientIT {

    static final long DEFAULT_BYTES = 256L * 1024 * 1024;
    static final long BYTES = Long.getLong("tus.it.bytes", DEFAULT_BYTES);
    static final int PARALLEL = 4;

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

    /** {@value #PARALLEL} where the target concatenates, else 1. */
    static int parallel() {
        return target.concatenation() ? PARALLEL : 1;
    }

    @Test
    void parallelUploadsOfFourWhereConcatenationIsServed_theUploadDownloadsByteExact() throws Exception {
        Path file = TestFiles.random(work, "parallel.bin", BYTES, 15);
        try (TusJsClient client = TusJsClient.start(target.endpoint(), file, "--parallel", Integer.toString(parallel()))) {
            JsonObject success = client.awaitSuccess();
            report("parallelUploads: " + parallel(), success);
            assertCreations(client, parallel(), parallel());
            assertByteExact(file, success);
        }
    }

    @Test
    void killedMidUploadAndRestarted_aSecondClientResumesByTheUrlsTheFirstStored_byteExact() throws Exception {
        Path file = TestFiles.random(work, "resumed.bin", BYTES, 16);
        Path urlStorage = work.resolve("tus-url-storage.json");
        try (TusJsClient first = TusJsClient.start(target.endpoint(), file, "--parallel", Integer.toString(parallel()),
                "--url-storage", urlStorage.toString())) {
            first.await("the upload URLs stored", e -> e.getString("event").equals("stored"));
            first.awaitProgress(BYTES / 2);
            target.kill();
            JsonObject end = first.awaitEnd();
            assertEquals("error", end.getString("event"), "the first client fails once the server is gone: " + end);
        }
        target.startAgain();
        try (TusJsClient second = TusJsClient.start(target.endpoint(), file, "--parallel", Integer.toString(parallel()),
                "--url-storage", urlStorage.toString(), "--resume")) {
            JsonObject success = second.awaitSuccess();
            report("resumed after kill -9, parallelUploads: " + parallel(), success);
            JsonObject previous = second.events("previous").get(0).getJsonArray("uploads").getJsonObject(0);
            assertTrue(previous.containsKey(parallel() > 1 ? "parallelUploadUrls" : "uploadUrl"), "what the first client stored: " + previous);
            // Resumed, not started again: no upload (or partial upload) is created anew, each is asked for its offset.
            assertCreations(second, 0, parallel());
            List<JsonObject> heads = second.responses("HEAD");
            assertEquals(parallel(), heads.size(), second.transcript());
            long resumedFrom = 0;
            for (JsonObject head : heads) {
                assertTrue(head.getInt("status") / 100 == 2, "HEAD on a stored upload URL after the restart: " + head);
                resumedFrom += Long.parseLong(TusJsClient.header(head, "Upload-Offset").orElseThrow());
            }
            System.out.printf("%s on %s: the server kept %d of the bytes sent before the kill; the client resumed from there%n",
                    getClass().getSimpleName(), target, resumedFrom);
            assertTrue(resumedFrom > 0, "the restarted server kept some of what arrived before the kill: " + second.transcript());
            assertByteExact(file, success);
        }
    }

    /**
     * The creation requests: {@code creations} that create an upload's data (partial uploads when parallel, else
     * the one plain upload) and, when parallel, one final upload naming {@code parallel} partial URLs.
     */
    private static void assertCreations(TusJsClient client, int creations, int parallel) {
        List<JsonObject> posts = client.requests("POST");
        List<JsonObject> finals = posts.stream()
                .filter(p -> TusJsClient.header(p, "Upload-Concat").filter(c -> c.startsWith("final;")).isPresent()).toList();
        assertEquals(creations, posts.size() - finals.size(), "uploads created: " + client.transcript());
        if (parallel > 1) {
            assertEquals(1, finals.size(), client.transcript());
            String concat = TusJsClient.header(finals.get(0), "Upload-Concat").orElseThrow();
            assertEquals(parallel, concat.substring("final;".length()).trim().split(" +").length, concat);
            posts.stream().filter(p -> !finals.contains(p)).forEach(p ->
                    assertEquals("partial", TusJsClient.header(p, "Upload-Concat").orElse(""), p.toString()));
        } else {
            assertEquals(0, finals.size(), client.transcript());
        }
    }

    /** GET on the upload URL the client ended with (under the creation URL) answers the file sent, byte for byte. */
    private static void assertByteExact(Path file, JsonObject success) {
        URI url = URI.create(success.getString("url"));
        assertTrue(url.toString().startsWith(target.endpoint().toString()), url + " is under " + target.endpoint());
        TusDownload.Digest download = TusDownload.sha256(url);
        assertEquals(TestFiles.fileSize(file), download.length(), "length downloaded from " + url);
        assertEquals(TestFiles.sha256(file), download.sha256(), "SHA-256 downloaded from " + url);
    }

    private void report(String what, JsonObject success) {
        double seconds = success.getJsonNumber("seconds").doubleValue();
        System.out.printf("%s on %s: %s, %d bytes in %.2f s (%.0f MB/s)%n", getClass().getSimpleName(), target, what,
                success.getJsonNumber("bytes").longValue(), seconds, success.getJsonNumber("bytes").longValue() / seconds / 1e6);
    }
}

package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared metadata store going away mid-upload (its connections cut by a {@link TcpProxy}): the
 * server answers 503 with Retry-After, commits nothing and reports itself not ready (but alive);
 * when the store is back, it is ready again and the upload
 * resumes where it was and completes byte-exact. One subclass per networked store, each reaching it
 * through the proxy of {@code @Server(proxied = METADATA)}.
 */
abstract class StoreOutageIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void storeGoneMidUpload_answers503WithRetryAfter_thenResumesAndCompletesByteExact(UploadClient client,
                                                                                       StoreEnvironment stores) throws Exception {
        TcpProxy proxy = stores.proxy();
        Path file = TestFiles.random(work, "outage.bin", 4 * MIB + 1, 31);
        Upload upload = client.start("outage.bin", Files.size(file), MIB);
        Transfers.sendInRandomOrder(client, upload, file, false, List.of(0, 1));

        proxy.cut();
        for (Answer answer : List.of(client.putChunk(upload, 2, file, 2 * MIB, MIB), client.complete(upload),
                client.status(upload.id()))) {
            assertProblem(answer, 503, "store.unavailable");
            assertNotNull(answer.header("Retry-After"), "no Retry-After");
            assertTrue(Integer.parseInt(answer.header("Retry-After")) > 0);
        }

        Answer ready = client.health("ready");
        assertEquals(503, ready.status(), ready.body());
        assertEquals("DOWN", UploadClient.checkStatus(ready, "metadata-store"), ready.body());
        assertEquals("UP", UploadClient.checkStatus(ready, "blob-store"), ready.body());
        assertEquals(200, client.health("live").status(), "a store outage is no reason to restart the server");

        proxy.restore();
        awaitReady(client);
        List<Integer> missing = client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
        assertEquals(List.of(2, 3, 4), missing);
        Transfers.sendInRandomOrder(client, upload, file, false, missing);
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    /** Polls readiness until it is UP: a check that hung during the outage may still be running for a few seconds. */
    static void awaitReady(UploadClient client) throws InterruptedException {
        Answer ready = client.health("ready");
        for (int i = 0; i < 120 && ready.status() != 200; i++) {
            Thread.sleep(250);
            ready = client.health("ready");
        }
        assertEquals(200, ready.status(), ready.body());
    }
}

package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on different ports sharing one metadata store and one Azure container (Azurite), as
 * behind a load balancer: any server takes any chunk of any upload, either completes it, the other
 * serves the file; when one dies mid-upload (SIGKILL, a chunk in flight), the other finishes the upload.
 * One subclass per shared metadata store.
 */
abstract class SharedStoresIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;
    ServerProcess first;
    ServerProcess second;

    /** Both servers, started at once by {@code @Server(instances = 2)}: schema and container creation race. */
    @BeforeEach
    void connect(Servers servers) {
        first = servers.get(0);
        second = servers.get(1);
    }

    @Test
    void twoServers_takeChunksAlternately_eitherCompletes_theOtherServesTheFile_thenOneDiesAndTheOtherFinishes()
            throws Exception {
        UploadClient one = new UploadClient(first.base());
        UploadClient two = new UploadClient(second.base());
        for (UploadClient client : List.of(one, two)) {
            Answer ready = client.health("ready");
            assertEquals(200, ready.status(), ready.body());
            assertEquals("UP", UploadClient.checkStatus(ready, "blob-store"), "Azurite's container is not reachable: " + ready.body());
            assertEquals("UP", UploadClient.checkStatus(ready, "metadata-store"), ready.body());
        }

        Path shared = TestFiles.random(work, "shared.bin", 7 * MIB + 11, 61);
        Upload upload = one.start("shared.bin", Files.size(shared), MIB);
        for (int index = 0; index < upload.totalChunks(); index++) {
            UploadClient via = index % 2 == 0 ? two : one;
            long offset = index * MIB;
            Answer answer = via.putChunk(upload, index, shared, offset, Math.min(MIB, Files.size(shared) - offset));
            assertEquals(200, answer.status(), answer.body());
            assertEquals(index + 1, answer.json().getInt("received_chunks"), "a server does not see the other's chunks");
        }
        assertEquals(upload.totalChunks(), one.status(upload.id()).json().getInt("received_chunks"));
        assertEquals(200, two.complete(upload).status());
        assertEquals(200, one.complete(upload).status(), "a repeated complete on the other server must answer the same");
        Transfers.assertDownloadsExactly(one, upload, shared);
        assertEquals("completed", two.status(upload.id()).json().getString("state"));

        Path failover = TestFiles.random(work, "failover.bin", 6 * MIB + 3, 62);
        Upload other = two.start("failover.bin", Files.size(failover), MIB);
        for (int index : List.of(0, 1, 2)) {
            UploadClient via = index % 2 == 0 ? one : two;
            assertEquals(200, via.putChunk(other, index, failover, index * MIB, MIB).status());
        }
        GatedBody body = new GatedBody(failover, 3 * MIB, MIB, MIB / 2);
        CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(
                () -> one.putChunk(other.id(), other.token(), "3", body.supplier(), body.length()));
        body.awaitGate();
        first.kill();
        body.open();
        assertChunkLost(inFlight);

        List<Integer> missing = two.resume(other.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
        assertEquals(List.of(3, 4, 5, 6), missing, "the survivor must list exactly the chunks never acknowledged");
        Transfers.sendInRandomOrder(two, other, failover, false, new ArrayList<>(missing));
        assertEquals(200, two.complete(other).status());
        Transfers.assertDownloadsExactly(two, other, failover);
    }

    /** The chunk in flight to the killed server got no answer (or an error): the client must send it again. */
    private static void assertChunkLost(CompletableFuture<Answer> inFlight) throws Exception {
        try {
            Answer answer = inFlight.get(2, TimeUnit.MINUTES);
            assertFalse(answer.status() == 200, "a killed server cannot have accepted a chunk it never received whole");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof UncheckedIOException, "unexpected failure: " + e.getCause());
        }
    }
}

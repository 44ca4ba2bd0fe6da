package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a chunk is streaming in. Liberty quiesces (stops listening, lets requests in flight
 * finish, up to 30 s) before the application and its stores stop, so the chunk either completes or
 * fails in a way a client retries (a closed connection, 503); after a restart, resume agrees with
 * what the client was told, and the chunk sent again completes the file byte-exact.
 */
@Server
class GracefulShutdownIT {

    private static final long MIB = 1024 * 1024;
    /** What a client retries: the page and the README's advice. */
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

    @TempDir
    Path work;
    ServerProcess server;

    @BeforeEach
    void connect(ServerProcess started) {
        server = started;
    }

    @Test
    void sigtermWhileAChunkStreamsIn_theChunkFinishesOrFailsRetryably_andAfterARestartResumeAgreesAndTheFileCompletes()
            throws Exception {
        UploadClient before = new UploadClient(server.base());
        Path file = TestFiles.random(work, "sigterm.bin", 6 * MIB + 7, 51);
        Upload upload = before.start("sigterm.bin", Files.size(file), 4 * MIB);
        assertEquals(200, before.putChunk(upload, 1, file, 4 * MIB, 2 * MIB + 7).status());

        GatedBody body = new GatedBody(file, 0, 4 * MIB, MIB);
        CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(
                () -> before.putChunk(upload.id(), upload.token(), "0", body.supplier(), body.length()));
        body.awaitGate();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        awaitLog("CWWKE1100I"); // "Waiting for up to 30 seconds for the server to quiesce."
        body.open();

        boolean accepted = outcome(inFlight);
        System.out.println("The chunk in flight at SIGTERM was " + (accepted ? "accepted" : "refused retryably"));
        stopping.get(120, TimeUnit.SECONDS);

        server.startAgain();
        UploadClient client = new UploadClient(server.base());
        List<Integer> missing = client.resume(upload.id()).json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue);
        assertEquals(accepted ? List.of() : List.of(0), missing, "resume disagrees with what the client was told");
        // A client that is unsure sends the chunk again; a chunk sent again replaces itself.
        assertEquals(200, client.putChunk(upload, 0, file, 0, 4 * MIB).status());
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }

    /** True when the chunk was accepted; false when it failed as a client retries; fails the test otherwise. */
    private static boolean outcome(CompletableFuture<Answer> inFlight) throws InterruptedException {
        try {
            Answer answer = inFlight.get(120, TimeUnit.SECONDS);
            if (answer.status() == 200) {
                return true;
            }
            assertTrue(RETRYABLE.contains(answer.status()), "not a retryable failure: " + answer);
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException) {
                return false; // the connection closed: the client sends the chunk again
            }
            throw new AssertionError("the chunk failed unexpectedly", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return fail("the chunk got no answer");
        }
    }

    private void awaitLog(String messageId) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (server.logText().contains(messageId)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the server never logged " + messageId + ":\n" + server.logText());
    }
}

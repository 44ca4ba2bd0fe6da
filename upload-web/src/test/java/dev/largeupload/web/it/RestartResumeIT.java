package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload outlives its server: killed or stopped mid-upload, started again on the same stores, it
 * resumes. Run once per metadata store by the subclasses.
 */
abstract class RestartResumeIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    /**
     * One kill -9 (each restart costs CI time; the fault suite kills at ten more moments): acknowledged
     * chunks, a completed file and another upload's chunks all survive, and the upload completes byte-exact.
     */
    @Test
    void killedMidUpload_restartedOnTheSameDataDir_everythingAcknowledgedSurvivesAndCompletesByteExact(ServerProcess server)
            throws Exception {
        UploadClient client = new UploadClient(server.base());
        Path done = TestFiles.random(work, "done.bin", 3 * MIB, 12);
        Upload completed = client.start("done.bin", Files.size(done), MIB);
        Transfers.sendInRandomOrder(client, completed, done, false, Transfers.allChunks(completed));
        assertEquals(200, client.complete(completed).status());
        Path file = TestFiles.random(work, "crash.bin", 40 * MIB + 3, 11);
        Upload upload = client.start("crash.bin", Files.size(file), 4 * MIB);
        List<Integer> order = Transfers.allChunks(upload);
        Collections.shuffle(order, new Random(7));
        List<Integer> firstHalf = order.subList(0, order.size() / 2);
        Transfers.sendInRandomOrder(client, upload, file, false, firstHalf);

        server.kill();
        server.startAgain();
        client = new UploadClient(server.base());
        JsonObject resume = client.resume(upload.id()).json();

        Transfers.assertDownloadsExactly(client, completed, done);
        List<Integer> expectedMissing = new ArrayList<>(order.subList(order.size() / 2, order.size()));
        Collections.sort(expectedMissing);
        assertEquals(firstHalf.size(), resume.getInt("completed_chunks"));
        assertEquals(expectedMissing, resume.getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
        Transfers.sendInRandomOrder(client, upload, file, false, expectedMissing);
        assertEquals(200, client.complete(upload).status());
        Transfers.assertDownloadsExactly(client, upload, file);
    }
}

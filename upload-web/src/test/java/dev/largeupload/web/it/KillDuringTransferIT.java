package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Download;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.JsonNumber;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the server ten times while chunks stream in, several at once, each time when
 * the client has sent a random number of bytes (from a seeded {@link Random} whose seed the test
 * prints; {@code -Dfault.seed=N} replays a run). After each kill the server is started again on the
 * same stores and the upload resumed: the chunks it lists as received are exactly ones whose whole
 * body was sent, every chunk the server had acknowledged is among them, none is ever lost again, and
 * the file finally downloads byte-exact, which shows that every chunk kept across the kills holds
 * the right bytes. Run once per store configuration by the subclasses.
 */
abstract class KillDuringTransferIT {

    private static final long MIB = 1024 * 1024;
    private static final int KILLS = 10;
    private static final int PARALLELISM = 4;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    /** After completion: the store holds nothing of the upload but its committed file. */
    protected abstract void assertNothingStagedLeft(ServerProcess server, StoreEnvironment stores, Upload upload)
            throws Exception;

    /** One request of a chunk: how many of its bytes the client sent, and the answer if one came. */
    private record Attempt(int index, long length, AtomicLong sent, Future<Answer> answer) {
    }

    @Test
    void tenKillsAtRandomBytePositions_resumeListsOnlyWholeChunks_andTheFileCompletesByteExact(ServerProcess server,
            StoreEnvironment stores) throws Exception {
        long seed = Long.getLong("fault.seed", System.currentTimeMillis());
        String name = getClass().getSimpleName();
        System.out.println(name + ": seed " + seed + " (replay with -Dfault.seed=" + seed + ")");
        Random random = new Random(seed);
        UploadClient client = new UploadClient(server.base());
        Path file = TestFiles.random(work, "kill.bin", 24 * MIB + 12_345, seed);
        long size = Files.size(file);
        Upload upload = client.start("kill.bin", size, MIB);
        // Ten cumulative byte positions, each 0.5 to 2 MiB after the previous one: all before the
        // file's size, so each is reached while chunks are still missing (a chunk is recorded only
        // after its whole body was sent).
        long[] killAt = new long[KILLS];
        for (int k = 0; k < KILLS; k++) {
            killAt[k] = (k == 0 ? 0 : killAt[k - 1]) + MIB / 2 + random.nextLong(3 * MIB / 2);
        }
        assertTrue(killAt[KILLS - 1] < size);

        long sentBefore = 0;
        Set<Integer> recorded = new TreeSet<>();
        Set<Integer> wholeBodiesSent = new TreeSet<>();
        Map<Integer, String> acknowledged = new TreeMap<>();
        for (int k = 0; k < KILLS; k++) {
            List<Integer> missing = missing(client, upload);
            Collections.shuffle(missing, random);
            ByteTrigger trigger = new ByteTrigger(sentBefore, killAt[k]);
            List<Attempt> attempts = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM);
            try {
                for (int index : missing) {
                    long offset = index * MIB;
                    long length = Math.min(MIB, size - offset);
                    AtomicLong sent = new AtomicLong();
                    UploadClient sender = client;
                    attempts.add(new Attempt(index, length, sent, pool.submit(() -> {
                        try {
                            return sender.putChunk(upload.id(), upload.token(), Integer.toString(index),
                                    trigger.body(file, offset, length, sent), length);
                        } catch (UncheckedIOException e) {
                            return null; // the server died under this request
                        }
                    })));
                }
                trigger.awaitHeld(PARALLELISM, missing.size(), WAIT);
                List<Integer> inFlight = attempts.stream().filter(a -> a.sent().get() > 0 && a.sent().get() < a.length())
                        .map(Attempt::index).toList();
                int open = trigger.open();
                server.kill();
                trigger.release();
                pool.shutdown();
                assertTrue(pool.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS), "requests still running after the kill");
                sentBefore = trigger.sent();
                for (Attempt attempt : attempts) {
                    if (attempt.sent().get() == attempt.length()) {
                        wholeBodiesSent.add(attempt.index());
                    }
                    Answer answer = attempt.answer().get();
                    if (answer != null) {
                        assertEquals(200, answer.status(), "chunk " + attempt.index() + " before the kill: " + answer);
                        acknowledged.put(attempt.index(), "round " + (k + 1) + ": " + answer.body());
                    }
                }
                System.out.printf("%s: kill %d at byte %d: %d bodies open, partly sent %s%n", name, k + 1, killAt[k], open, inFlight);
            } finally {
                pool.shutdownNow();
            }

            server.startAgain();
            client = new UploadClient(server.base());
            Set<Integer> now = new TreeSet<>(Transfers.allChunks(upload));
            now.removeAll(missing(client, upload));
            assertTrue(now.containsAll(recorded), "chunks recorded before kill " + (k + 1) + " were lost: " + recorded + " -> " + now);
            assertTrue(now.containsAll(acknowledged.keySet()), "acknowledged chunks " + acknowledged + " are not all recorded: " + now);
            assertTrue(wholeBodiesSent.containsAll(now), "recorded " + now + " but whole bodies were sent only for " + wholeBodiesSent);
            recorded = now;
            System.out.printf("%s: after restart %d: %d of %d chunks recorded%n", name, k + 1, recorded.size(), upload.totalChunks());
        }

        Transfers.sendInRandomOrder(client, upload, file, false, missing(client, upload));
        Answer complete = client.complete(upload);
        assertEquals(200, complete.status(), complete.body());
        assertDownloadsExactly(client, upload, file);
        assertNothingStagedLeft(server, stores, upload);
    }

    private static List<Integer> missing(UploadClient client, Upload upload) {
        Answer resume = client.resume(upload.id());
        assertEquals(200, resume.status(), resume.body());
        return new ArrayList<>(resume.json().getJsonArray("missing_chunks").getValuesAs(JsonNumber::intValue));
    }

    /** The whole file, byte-exact; on a difference, names the chunks that differ. */
    private static void assertDownloadsExactly(UploadClient client, Upload upload, Path file) {
        Download download = client.download(upload.id(), null);
        assertEquals(200, download.status());
        if (download.length() == TestFiles.fileSize(file) && download.sha256().equals(TestFiles.sha256(file))) {
            return;
        }
        List<Integer> wrong = new ArrayList<>();
        long size = TestFiles.fileSize(file);
        for (int index = 0; index < upload.totalChunks(); index++) {
            long offset = index * upload.chunkSize();
            long length = Math.min(upload.chunkSize(), size - offset);
            Download chunk = client.download(upload.id(), "bytes=" + offset + "-" + (offset + length - 1));
            if (!chunk.sha256().equals(TestFiles.sha256(file, offset, length))) {
                wrong.add(index);
            }
        }
        throw new AssertionError("the downloaded file differs (" + download.length() + " bytes); wrong chunks: " + wrong);
    }
}

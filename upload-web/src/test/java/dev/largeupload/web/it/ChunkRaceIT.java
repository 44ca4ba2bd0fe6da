package dev.largeupload.web.it;

import static dev.largeupload.web.it.ErrorContractIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.web.it.UploadClient.Answer;
import dev.largeupload.web.it.UploadClient.Download;
import dev.largeupload.web.it.UploadClient.Upload;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same chunk sent many times at once with different bodies: whichever body wins each of its blocks, the
 * digest the server records for a block is that of the bytes it keeps, so {@code complete} accepts exactly the
 * composite of the bytes that download returns, and refuses (committing nothing) a composite of a body
 * it did not keep. Also: a repeated {@code complete} checks a whole-file {@code sha256} like the first.
 * The servers run with {@value #BLOCK}-byte blocks, so each raced chunk is four blocks that the racers write
 * at once (in place, on the filesystem store). One server per concrete class, on the stores its
 * {@link Server} annotation names.
 *
 * <p>{@code -Dchunk.race.rounds=50 -Dchunk.race.chunk.bytes=1048576} runs the race at the size it was
 * first seen at; CI runs {@value #DEFAULT_ROUNDS} rounds of {@value #DEFAULT_CHUNK_BYTES} bytes.
 */
abstract class ChunkRaceIT {

    private static final int DEFAULT_ROUNDS = 5;
    private static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    private static final int ROUNDS = Integer.getInteger("chunk.race.rounds", DEFAULT_ROUNDS);
    private static final int CHUNK = Integer.getInteger("chunk.race.chunk.bytes", DEFAULT_CHUNK_BYTES);
    /** The block size the subclasses' servers run with ({@code BLOCK_SIZE}): a quarter of the default chunk. */
    static final int BLOCK = 65_536;
    /** Bodies of the raced chunk sent at once. */
    private static final int RACERS = 10;
    /** The file: chunk 0 and chunk 2 sent once, chunk 1 raced. */
    private static final int CHUNKS = 3;
    private static final int RACED = 1;
    private static final HexFormat HEX = HexFormat.of();

    static ServerProcess server;
    static UploadClient client;
    static ExecutorService senders;

    @BeforeAll
    static void connect(ServerProcess started, UploadClient connected) {
        senders = Executors.newFixedThreadPool(RACERS);
        server = started;
        client = connected;
    }

    @AfterAll
    static void stopSenders() {
        if (senders != null) {
            senders.shutdownNow();
        }
    }

    @Test
    void sameChunkSentTenTimesAtOnce_completeAcceptsExactlyTheCompositeOfTheBytesThatDownloadReturns() throws Exception {
        Random random = new Random(1301);
        for (int round = 0; round < ROUNDS; round++) {
            String where = "round " + round + ": ";
            Upload upload = client.start("race.bin", (long) CHUNKS * CHUNK, CHUNK);
            List<byte[]> bodies = race(upload, random);

            Answer completed = complete(upload, Json.createObjectBuilder());

            assertEquals(200, completed.status(), where + completed);
            byte[][] kept = downloadedBlockDigests(upload);
            assertEquals(sha256Hex(composite(kept)), completed.json().getString("composite_sha256"),
                    where + "complete answered a composite of bytes other than those it kept");
            for (int block = 0; block < blocksPerChunk(); block++) {
                int inFile = RACED * blocksPerChunk() + block;
                int b = block;
                assertTrue(bodies.subList(0, RACERS).stream().anyMatch(body -> MessageDigest.isEqual(blockDigest(body, b), kept[inFile])),
                        where + "block " + block + " of the raced chunk holds none of the bodies' bytes");
            }
        }
    }

    @Test
    void sameChunkSentTenTimesAtOnce_aCompositeOfOneBodyIsAcceptedOnlyWhenThatBodyWasKept() throws Exception {
        Random random = new Random(1302);
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String where = "round " + round + ": ";
            Upload upload = client.start("race.bin", (long) CHUNKS * CHUNK, CHUNK);
            List<byte[]> bodies = race(upload, random);
            byte[] chosen = bodies.get(random.nextInt(RACERS));
            byte[][] claimed = blockDigests(bodies.get(RACERS), chosen, bodies.get(RACERS + 1));

            Answer completed = complete(upload, Json.createObjectBuilder().add("composite_sha256", sha256Hex(composite(claimed))));

            if (completed.status() == 200) {
                accepted++;
                byte[][] kept = downloadedBlockDigests(upload);
                for (int i = 0; i < kept.length; i++) {
                    assertTrue(MessageDigest.isEqual(claimed[i], kept[i]), where + "accepted, but block " + i + " differs");
                }
            } else {
                assertProblem(completed, 422, "upload.checksum-mismatch");
                JsonObject status = client.status(upload.id()).json();
                assertEquals("active", status.getString("state"), where + "a refused complete changed the upload");
                assertNotEquals(200, client.download(upload.id(), null).status(), where + "a refused complete committed");
                client.delete(upload);
            }
        }
        // Which body wins is up to the race; the assertions above hold for both outcomes.
        assertTrue(accepted <= ROUNDS);
    }

    @Test
    void completeRepeated_checksTheWholeFileSha256LikeTheFirstCall() throws Exception {
        Upload upload = client.start("again.bin", (long) CHUNKS * CHUNK, CHUNK);
        List<byte[]> bodies = race(upload, new Random(1303));
        assertEquals(200, complete(upload, Json.createObjectBuilder()).status());
        Download before = client.download(upload.id(), null);
        String wrong = "0".repeat(64);

        Answer refused = complete(upload, Json.createObjectBuilder().add("sha256", wrong));
        Answer right = complete(upload, Json.createObjectBuilder().add("sha256", before.sha256()));
        Answer rightAgain = complete(upload, Json.createObjectBuilder().add("sha256", before.sha256()));

        assertProblem(refused, 422, "upload.checksum-mismatch");
        assertEquals(200, right.status(), right.toString());
        assertEquals(200, rightAgain.status(), rightAgain.toString());
        Download after = client.download(upload.id(), null);
        assertEquals(200, after.status());
        assertEquals(before.sha256(), after.sha256(), "a refused repeat changed the file");
        assertEquals(RACERS + 2, bodies.size());
    }

    /**
     * Starts an upload's chunks 0 and 2, then sends {@value #RACERS} different bodies of chunk 1 at once;
     * every one must be answered 200. Answers the racers' bodies, then chunk 0's and chunk 2's.
     */
    private static List<byte[]> race(Upload upload, Random random) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < RACERS + 2; i++) {
            byte[] body = new byte[CHUNK];
            random.nextBytes(body);
            bodies.add(body);
        }
        assertEquals(200, put(upload, 0, bodies.get(RACERS)).status());
        assertEquals(200, put(upload, 2, bodies.get(RACERS + 1)).status());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            byte[] body = bodies.get(i);
            answers.add(senders.submit(() -> {
                go.await();
                return put(upload, RACED, body);
            }));
        }
        go.countDown();
        for (Future<Answer> answer : answers) {
            Answer a = answer.get();
            assertEquals(200, a.status(), a.toString());
        }
        return bodies;
    }

    private static Answer put(Upload upload, int index, byte[] body) {
        return client.putChunk(upload.id(), upload.token(), Integer.toString(index), () -> new ByteArrayInputStream(body), body.length);
    }

    private static Answer complete(Upload upload, JsonObjectBuilder fields) {
        String json = fields.add("upload_id", upload.id()).build().toString();
        return client.send(client.request("/api/upload/complete").header("Content-Type", "application/json")
                .header("Upload-Token", upload.token()).POST(BodyPublishers.ofString(json)));
    }

    /** The SHA-256 of each block of the downloaded file, read by range. */
    private static byte[][] downloadedBlockDigests(Upload upload) {
        int blocks = CHUNKS * blocksPerChunk();
        byte[][] digests = new byte[blocks][];
        for (int i = 0; i < blocks; i++) {
            long first = (long) i * BLOCK;
            Download block = client.download(upload.id(), "bytes=" + first + "-" + (first + BLOCK - 1));
            assertEquals(206, block.status());
            assertEquals(BLOCK, block.length());
            digests[i] = HEX.parseHex(block.sha256());
        }
        return digests;
    }

    private static int blocksPerChunk() {
        return CHUNK / BLOCK;
    }

    /** The SHA-256 of block {@code block} of a chunk's body. */
    private static byte[] blockDigest(byte[] body, int block) {
        return sha256(Arrays.copyOfRange(body, block * BLOCK, (block + 1) * BLOCK));
    }

    /** The block digests of a file made of {@code chunks}, in order. */
    private static byte[][] blockDigests(byte[]... chunks) {
        byte[][] digests = new byte[chunks.length * blocksPerChunk()][];
        for (int c = 0; c < chunks.length; c++) {
            for (int b = 0; b < blocksPerChunk(); b++) {
                digests[c * blocksPerChunk() + b] = blockDigest(chunks[c], b);
            }
        }
        return digests;
    }

    /** As the server computes it: the SHA-256 of the blocks' raw digests in block order. */
    private static byte[] composite(byte[][] blockDigests) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] block : blockDigests) {
            digest.update(block);
        }
        return digest.digest();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(byte[] digest) {
        return HEX.formatHex(digest);
    }
}

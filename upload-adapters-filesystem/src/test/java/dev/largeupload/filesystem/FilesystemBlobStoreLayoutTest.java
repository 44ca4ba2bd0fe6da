package dev.largeupload.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.BlockData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the filesystem store does on disk, beyond the port's contract: its layout and its recovery from crashes. */
class FilesystemBlobStoreLayoutTest {

    private static final int CHUNK = 1000;

    @TempDir
    Path root;

    private FilesystemBlobStore store;
    private final BlobName blob = new BlobName("0f8fad5b-d9cb-469f-a165-70867728950e");
    private final ChunkPlan plan = ChunkPlan.of(3 * CHUNK, CHUNK);
    private final Map<Integer, StagingAttempt> attempts = new HashMap<>();

    @BeforeEach
    void createStore() {
        store = new FilesystemBlobStore(root);
    }

    @Test
    void checkAvailable_withItsStagingDirectoryGone_isUnavailable() throws IOException {
        store.checkAvailable();
        Files.delete(root.resolve("staging"));

        assertThrows(StoreUnavailable.class, store::checkAvailable);
    }

    @Test
    void stage_keepsEachAttemptUnderAFixedWidthNameOfIndexAndAttemptInTheBlobsStagingDirectory() {
        store.stage(blob, 2, new StagingAttempt(0xab), chunkOf(filled(CHUNK, 7)));
        store.stage(blob, 2, new StagingAttempt(-1), chunkOf(filled(CHUNK, 8)));
        store.stage(blob, 3, StagingAttempt.LEGACY, chunkOf(filled(CHUNK, 9)));

        assertEquals(List.of("000002-00000000000000ab.chunk", "000002-ffffffffffffffff.chunk", "000003.chunk"),
                names(staging()));
        assertEquals(bitSet(2, 3), store.stagedChunks(blob, ChunkPlan.of(4 * CHUNK, CHUNK)));
    }

    @Test
    void commit_joinsTheChunkFileOfAnOlderVersion_underTheLegacyAttempt() throws IOException {
        Files.createDirectories(staging());
        Files.write(staging().resolve("000000.chunk"), filled(CHUNK, 1));
        Files.write(staging().resolve("000001.chunk"), filled(CHUNK, 2));
        stage(2, filled(CHUNK, 3));
        attempts.put(0, StagingAttempt.LEGACY);
        attempts.put(1, StagingAttempt.LEGACY);

        commit();

        assertArrayEquals(wholeFile(), Files.readAllBytes(root.resolve("committed").resolve(blob.value())));
    }

    @Test
    void commit_writesNothingInTheCommittedDirectoryButTheBlobItself() throws Exception {
        stageAll();
        Path committedRoot = root.resolve("committed");
        try (WatchService watch = root.getFileSystem().newWatchService()) {
            committedRoot.register(watch, StandardWatchEventKinds.ENTRY_CREATE);

            commit();

            // Events arrive in order: once the blob's own is there, any temporary file's came before it.
            List<String> created = new ArrayList<>();
            while (!created.contains(blob.value())) {
                WatchKey key = watch.poll(30, TimeUnit.SECONDS);
                assertNotNull(key, "no event for the committed blob");
                key.pollEvents().forEach(event -> created.add(String.valueOf(event.context())));
                key.reset();
            }
            assertEquals(List.of(blob.value()), created);
        }
    }

    @Test
    void commit_cutOffByACrash_leavesItsTemporaryFileInTheStagingDirectory_whichARetriedCommitRemoves() throws IOException {
        stageAll();
        Path crashed = crashedCommitTemp();

        commit();

        assertFalse(Files.exists(crashed), "the retried commit removed what the crashed one wrote");
        assertEquals(List.of(blob.value()), names(root.resolve("committed")));
        assertArrayEquals(wholeFile(), Files.readAllBytes(root.resolve("committed").resolve(blob.value())));
    }

    @Test
    void commit_cutOffByACrash_leavesItsTemporaryFileInTheStagingDirectory_whichDeleteRemoves() throws IOException {
        stageAll();
        Path crashed = crashedCommitTemp();

        store.delete(blob);

        assertFalse(Files.exists(crashed));
        assertFalse(Files.exists(staging()));
        assertEquals(List.of(), names(root.resolve("committed")));
    }

    /** What a commit killed while joining leaves: a temporary file as large as the file, where the store writes it. */
    private Path crashedCommitTemp() throws IOException {
        Path temp = new BlobLayout(root).newCommitTemp(blob);
        assertTrue(temp.startsWith(staging()), "a commit writes inside the upload's staging directory: " + temp);
        Files.write(temp, filled(3 * CHUNK, 4));
        assertEquals(bitSet(0, 1, 2), store.stagedChunks(blob, plan), "a commit's temporary file is no chunk");
        return temp;
    }

    @Test
    void commit_writesTheCommittedFileAndRemovesTheStagingDirectory() throws IOException {
        stageAll();

        commit();

        assertEquals(3 * CHUNK, Files.size(root.resolve("committed").resolve(blob.value())));
        assertFalse(Files.exists(staging()));
    }

    @Test
    void commit_setsTheStagedChunksAsideAtOnce_andRemovesThemInTheBackground() throws Exception {
        stageAll();

        commit();

        assertFalse(Files.exists(staging()), "no reader sees the chunks after the commit returned");
        awaitEmpty(root.resolve("discarded"));
    }

    @Test
    void aNewStore_removesWhatAnEarlierOneSetAsideButDidNotRemove() throws Exception {
        Path leftover = root.resolve("discarded").resolve(blob.value() + ".0f8fad5b-d9cb-469f-a165-70867728950e");
        Files.createDirectories(leftover);
        Files.write(leftover.resolve("000000.chunk"), new byte[10]);

        new FilesystemBlobStore(root);

        awaitEmpty(root.resolve("discarded"));
    }

    /** Polls (with a deadline) until the background removal emptied {@code directory}. */
    private static void awaitEmpty(Path directory) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!names(directory).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still there after 30 s: " + names(directory));
            }
            Thread.sleep(10);
        }
    }

    @Test
    void commit_computesTheFilesSha256WhileJoining() throws Exception {
        stageAll();

        var committed = commit();

        assertEquals(Optional.of(sha256Hex(wholeFile())), committed.sha256());
    }

    @Test
    void commit_withAnExpectedSha256ThatDiffers_commitsNothingAndKeepsTheChunks() throws Exception {
        stageAll();
        String wrong = sha256Hex(new byte[1]);

        assertThrows(ChecksumMismatch.class, () -> store.commit(blob, plan, attemptList(),
                new BlobAttributes("application/octet-stream", new FileName("t.bin"), UploadId.random(), Optional.of(wrong))));

        assertFalse(Files.exists(root.resolve("committed").resolve(blob.value())));
        assertEquals(List.of(), names(root.resolve("committed")), "no temporary file is left behind");
        assertEquals(bitSet(0, 1, 2), store.stagedChunks(blob, plan), "the chunks stay for another try");
        String right = sha256Hex(wholeFile());
        assertEquals(Optional.of(right), store.commit(blob, plan, attemptList(), new BlobAttributes("application/octet-stream",
                new FileName("t.bin"), UploadId.random(), Optional.of(right))).sha256());
    }

    @Test
    void stagedChunks_ignoresTheTemporaryFileOfAStageCutOffByACrash() throws IOException {
        stage(0, filled(CHUNK, 1));
        Files.write(staging().resolve("000001-00000000000000ab.chunk.5d1c9a0e-0000-4000-8000-000000000000.tmp"), filled(CHUNK, 2));
        Files.write(staging().resolve("000001.chunk.5d1c9a0e-0000-4000-8000-000000000000.tmp"), filled(CHUNK, 2));

        assertEquals(bitSet(0), store.stagedChunks(blob, plan));
    }

    @Test
    void stagedChunks_ignoresAChunkFileOfTheWrongLength() throws IOException {
        stageAll();
        Files.write(new BlobLayout(root).chunk(blob, 1, attempts.get(1)), filled(CHUNK - 1, 2));

        assertEquals(bitSet(0, 2), store.stagedChunks(blob, plan));
        Incomplete thrown = assertThrows(Incomplete.class, () -> commit());
        assertEquals(List.of(1), thrown.missingChunks());
    }

    @Test
    void stage_thatFails_leavesNoTemporaryFileBehind() {
        InputStream cutOff = new SequenceInputStream(new ByteArrayInputStream(filled(CHUNK / 2, 3)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        });

        assertThrows(TransferInterrupted.class, () -> store.stage(blob, 0, StagingAttempt.random(),
                new BlockData(cutOff, CHUNK, Optional.empty())));

        assertEquals(List.of(), names(staging()));
    }

    @Test
    void commit_afterACrashBetweenRenameAndCleanUp_returnsTheBlobAndCleansUp() throws IOException {
        stageAll();
        Path committed = root.resolve("committed").resolve(blob.value());
        Files.write(committed, filled(3 * CHUNK, 9));

        assertEquals(3 * CHUNK, commit().size());

        assertFalse(Files.exists(staging()));
        assertArrayEquals(filled(3 * CHUNK, 9), Files.readAllBytes(committed));
    }

    @Test
    void openCommitted_doesNotSeeTheTemporaryFileOfACommitCutOffByACrash() throws IOException {
        Path temp = root.resolve("committed").resolve(blob.value() + ".5d1c9a0e-0000-4000-8000-000000000000.tmp");
        Files.write(temp, filled(3 * CHUNK, 4));

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
        store.delete(blob);
        assertFalse(Files.exists(temp));
    }

    @Test
    void openCommitted_withARangeOutsideTheFile_throwsInvalidArgument() {
        stageAll();
        commit();

        assertThrows(InvalidArgument.class, () -> store.openCommitted(blob, 3 * CHUNK, 1));
        assertThrows(InvalidArgument.class, () -> store.openCommitted(blob, -1, 1));
    }

    @Test
    void stage_whenTheDiskRefuses_throwsStoreUnavailable() throws IOException {
        Files.createDirectories(staging().getParent());
        Files.write(staging(), new byte[0]);

        assertThrows(StoreUnavailable.class, () -> stage(0, filled(CHUNK, 5)));
    }

    @Test
    void stage_ofAnIndexNoPlanCanHave_isRefusedBeforeReading() {
        assertThrows(IllegalArgumentException.class, () -> stage(-1, filled(CHUNK, 6)));
        assertThrows(IllegalArgumentException.class, () -> stage(ChunkPlan.MAX_BLOCKS, filled(CHUNK, 6)));
    }

    /** Stages {@code data} as chunk {@code index} under a new attempt, which {@link #commit()} then takes. */
    private void stage(int index, byte[] data) {
        StagingAttempt attempt = StagingAttempt.random();
        store.stage(blob, index, attempt, chunkOf(data));
        attempts.put(index, attempt);
    }

    private static BlockData chunkOf(byte[] data) {
        return new BlockData(new ByteArrayInputStream(data), data.length, Optional.empty());
    }

    private List<StagingAttempt> attemptList() {
        List<StagingAttempt> list = new ArrayList<>();
        for (int index = 0; index < plan.chunkCount(); index++) {
            list.add(attempts.getOrDefault(index, StagingAttempt.random()));
        }
        return list;
    }

    private dev.largeupload.domain.port.CommittedBlob commit() {
        return store.commit(blob, plan, attemptList(), attributes());
    }

    private void stageAll() {
        for (int index = 0; index < plan.chunkCount(); index++) {
            stage(index, filled(CHUNK, index + 1));
        }
    }

    private Path staging() {
        return root.resolve("staging").resolve(blob.value());
    }

    private static List<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] wholeFile() {
        byte[] all = new byte[3 * CHUNK];
        for (int index = 0; index < 3; index++) {
            Arrays.fill(all, index * CHUNK, (index + 1) * CHUNK, (byte) (index + 1));
        }
        return all;
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static BlobAttributes attributes() {
        return new BlobAttributes("application/octet-stream", new FileName("test.bin"), UploadId.random(), Optional.empty());
    }

    private static byte[] filled(int length, int value) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) value);
        return data;
    }

    private static BitSet bitSet(int... indexes) {
        BitSet set = new BitSet();
        for (int index : indexes) {
            set.set(index);
        }
        return set;
    }
}

package dev.largeupload.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
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
import dev.largeupload.domain.port.BlockStaging;
import dev.largeupload.domain.port.CommittedBlob;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the filesystem store does on disk, beyond the port's contract: its layout, its locks and its recovery from crashes. */
class FilesystemBlobStoreLayoutTest {

    private static final int BLOCK = 1000;
    private static final int CHUNK = 2 * BLOCK;

    @TempDir
    Path root;

    private FilesystemBlobStore store;
    private final BlobName blob = new BlobName("0f8fad5b-d9cb-469f-a165-70867728950e");
    /** Three chunks of two blocks each. */
    private final ChunkPlan plan = ChunkPlan.of(3 * CHUNK, CHUNK, BLOCK);

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
    void openBlock_createsOneDataFileOfTheFilesSize_andWritesEachBlockInPlaceAtItsOffset() throws IOException {
        stage(4, filled(BLOCK, 5));

        assertEquals(List.of("data"), names(staging()));
        assertEquals(plan.fileSize(), Files.size(data()));
        stage(1, filled(BLOCK, 2));

        assertEquals(List.of("data"), names(staging()), "no file per block or chunk");
        byte[] expected = new byte[(int) plan.fileSize()];
        Arrays.fill(expected, BLOCK, 2 * BLOCK, (byte) 2);
        Arrays.fill(expected, 4 * BLOCK, 5 * BLOCK, (byte) 5);
        assertArrayEquals(expected, Files.readAllBytes(data()), "blocks not written yet read as zeros");
    }

    @Test
    void commit_renamesTheDataFile_soTheCommittedFileIsTheSameInode() throws IOException {
        stageAll();
        Object stagedKey = fileKey(data());
        assertNotNull(stagedKey, "this filesystem reports file keys");

        CommittedBlob committed = commit(Optional.empty());

        assertEquals(stagedKey, fileKey(committed()), "renamed, not copied");
        assertEquals(Optional.empty(), committed.sha256(), "nothing read without an expected SHA-256");
        assertArrayEquals(wholeFile(), Files.readAllBytes(committed()));
    }

    @Test
    void commit_writesNothingInTheCommittedDirectoryButTheBlobItself() throws Exception {
        stageAll();
        Path committedRoot = root.resolve("committed");
        try (WatchService watch = root.getFileSystem().newWatchService()) {
            committedRoot.register(watch, StandardWatchEventKinds.ENTRY_CREATE);

            commit(Optional.empty());

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
    void commit_setsTheStagingDirectoryAsideAtOnce_andRemovesItInTheBackground() throws Exception {
        stageAll();

        commit(Optional.empty());

        assertFalse(Files.exists(staging()), "no reader sees the staging directory after the commit returned");
        awaitEmpty(root.resolve("discarded"));
    }

    @Test
    void commit_discardsAStrayChunkFileOfAnOlderVersion_withTheStagingDirectory() throws IOException {
        stageAll();
        Files.write(staging().resolve("000000-00000000000000ab.chunk"), filled(CHUNK, 9));

        commit(Optional.empty());

        assertFalse(Files.exists(staging()));
        assertArrayEquals(wholeFile(), Files.readAllBytes(committed()));
    }

    @Test
    void commit_ofAnUploadAnOlderVersionBegan_copiesTheChunkFilesOfTheGivenAttemptsIntoPlace() throws IOException {
        ChunkPlan older = new ChunkPlan(3 * CHUNK - 5, CHUNK, 3);
        assertEquals(1, older.blocksPerChunk(), "older versions planned one block per chunk");
        StagingAttempt recorded = new StagingAttempt(0xab);
        Files.createDirectories(staging());
        Files.write(staging().resolve("000000.chunk"), filled(CHUNK, 1));
        Files.write(staging().resolve("000001-00000000000000ab.chunk"), filled(CHUNK, 2));
        Files.write(staging().resolve("000001-00000000000000cd.chunk"), filled(CHUNK, 8));
        store.stage(blob, older, 2, StagingAttempt.random(), block(filled(CHUNK - 5, 3)));

        store.commit(blob, older, List.of(StagingAttempt.LEGACY, recorded, StagingAttempt.random()), attributes(Optional.empty()));

        byte[] expected = new byte[3 * CHUNK - 5];
        Arrays.fill(expected, 0, CHUNK, (byte) 1);
        Arrays.fill(expected, CHUNK, 2 * CHUNK, (byte) 2);
        Arrays.fill(expected, 2 * CHUNK, 3 * CHUNK - 5, (byte) 3);
        assertArrayEquals(expected, Files.readAllBytes(committed()));
        assertFalse(Files.exists(staging()));
    }

    @Test
    void commit_ofAnUploadAnOlderVersionStagedWholly_makesTheDataFileFromItsChunkFiles() throws IOException {
        ChunkPlan older = new ChunkPlan(2 * CHUNK, CHUNK, 2);
        Files.createDirectories(staging());
        Files.write(staging().resolve("000000.chunk"), filled(CHUNK, 1));
        Files.write(staging().resolve("000001.chunk"), filled(CHUNK, 2));

        store.commit(blob, older, List.of(StagingAttempt.LEGACY, StagingAttempt.LEGACY), attributes(Optional.empty()));

        byte[] expected = new byte[2 * CHUNK];
        Arrays.fill(expected, 0, CHUNK, (byte) 1);
        Arrays.fill(expected, CHUNK, 2 * CHUNK, (byte) 2);
        assertArrayEquals(expected, Files.readAllBytes(committed()));
    }

    @Test
    void aNewStore_removesWhatAnEarlierOneSetAsideButDidNotRemove() throws Exception {
        Path leftover = root.resolve("discarded").resolve(blob.value() + ".0f8fad5b-d9cb-469f-a165-70867728950e");
        Files.createDirectories(leftover);
        Files.write(leftover.resolve("data"), new byte[10]);

        new FilesystemBlobStore(root);

        awaitEmpty(root.resolve("discarded"));
    }

    @Test
    void commit_withTheExpectedSha256_computesItByReadingTheFile() throws Exception {
        stageAll();

        CommittedBlob committed = commit(Optional.of(sha256Hex(wholeFile())));

        assertEquals(Optional.of(sha256Hex(wholeFile())), committed.sha256());
    }

    @Test
    void commit_withAnExpectedSha256ThatDiffers_commitsNothingAndKeepsTheDataFile() throws Exception {
        stageAll();
        String wrong = sha256Hex(new byte[1]);

        assertThrows(ChecksumMismatch.class, () -> commit(Optional.of(wrong)));

        assertFalse(Files.exists(committed()));
        assertEquals(List.of(), names(root.resolve("committed")), "no temporary file is left behind");
        assertArrayEquals(wholeFile(), Files.readAllBytes(data()), "the blocks stay for another try");
        String right = sha256Hex(wholeFile());
        assertEquals(Optional.of(right), commit(Optional.of(right)).sha256());
    }

    @Test
    void commit_ofAZeroByteFile_isAnEmptyCommittedFile() throws IOException {
        ChunkPlan empty = ChunkPlan.of(0, CHUNK, BLOCK);

        store.commit(blob, empty, List.of(), attributes(Optional.empty()));

        assertEquals(0, Files.size(committed()));
        assertFalse(Files.exists(staging()));
    }

    @Test
    void write_whenTheClientStreamFails_isTransferInterrupted_andTouchesNoOtherBlock() throws IOException {
        stageAll();
        InputStream cutOff = new SequenceInputStream(new ByteArrayInputStream(filled(BLOCK / 2, 77)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        });

        assertThrows(TransferInterrupted.class, () -> store.stage(blob, plan, 2, StagingAttempt.random(),
                new BlockData(cutOff, BLOCK, Optional.empty())));

        byte[] bytes = Files.readAllBytes(data());
        assertArrayEquals(Arrays.copyOfRange(wholeFile(), 0, 2 * BLOCK), Arrays.copyOfRange(bytes, 0, 2 * BLOCK));
        assertArrayEquals(Arrays.copyOfRange(wholeFile(), 3 * BLOCK, 6 * BLOCK), Arrays.copyOfRange(bytes, 3 * BLOCK, 6 * BLOCK));
    }

    @Test
    void commit_afterACrashBetweenRenameAndCleanUp_returnsTheBlobAndCleansUp() throws IOException {
        stageAll();
        Files.write(committed(), filled(3 * CHUNK, 9));

        assertEquals(3 * CHUNK, commit(Optional.empty()).size());

        assertFalse(Files.exists(staging()));
        assertArrayEquals(filled(3 * CHUNK, 9), Files.readAllBytes(committed()));
    }

    @Test
    void openCommitted_doesNotSeeTheTemporaryFileOfACommitOfAnOlderVersion_whichDeleteRemoves() throws IOException {
        Path temp = root.resolve("committed").resolve(blob.value() + ".5d1c9a0e-0000-4000-8000-000000000000.tmp");
        Files.write(temp, filled(3 * CHUNK, 4));

        assertThrows(NotFound.class, () -> store.openCommitted(blob, 0, 0));
        store.delete(blob);
        assertFalse(Files.exists(temp));
    }

    @Test
    void openCommitted_withARangeOutsideTheFile_throwsInvalidArgument() {
        stageAll();
        commit(Optional.empty());

        assertThrows(InvalidArgument.class, () -> store.openCommitted(blob, 3 * CHUNK, 1));
        assertThrows(InvalidArgument.class, () -> store.openCommitted(blob, -1, 1));
    }

    @Test
    void openBlock_whenTheDiskRefuses_throwsStoreUnavailable() throws IOException {
        Files.createDirectories(staging().getParent());
        Files.write(staging(), new byte[0]);

        assertThrows(StoreUnavailable.class, () -> stage(0, filled(BLOCK, 5)));
    }

    @Test
    void openBlock_ofAnIndexOutsideThePlan_isRefusedBeforeAnyFileIsMade() {
        assertThrows(IllegalArgumentException.class, () -> store.openBlock(blob, plan, -1, StagingAttempt.random()));
        assertThrows(IllegalArgumentException.class, () -> store.openBlock(blob, plan, plan.blockCount(), StagingAttempt.random()));

        assertFalse(Files.exists(staging()));
    }

    @Test
    void twoStoresOnOneRoot_serialiseTheStagingsOfOneBlock() throws Exception {
        FilesystemBlobStore other = new FilesystemBlobStore(root);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            BlockStaging open = store.openBlock(blob, plan, 3, StagingAttempt.random());
            CountDownLatch opened = new CountDownLatch(1);
            Thread[] worker = new Thread[1];
            CountDownLatch started = new CountDownLatch(1);
            Future<?> second = pool.submit(() -> {
                worker[0] = Thread.currentThread();
                started.countDown();
                try (BlockStaging staging = other.openBlock(blob, plan, 3, StagingAttempt.random())) {
                    opened.countDown();
                    staging.write(block(filled(BLOCK, 2)));
                }
                return null;
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            awaitState(worker[0], Thread.State.WAITING);
            assertEquals(1, opened.getCount(), "the other store's openBlock returned while the block was open");
            open.write(block(filled(BLOCK, 1)));
            open.close();
            second.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertArrayEquals(filled(BLOCK, 2), Arrays.copyOfRange(Files.readAllBytes(data()), 3 * BLOCK, 4 * BLOCK));
    }

    /**
     * Another process that holds a POSIX lock on a block's byte range (as another server's store sharing the
     * directory does while it stages that block) keeps {@code openBlock} of that block waiting until it lets go.
     */
    @Test
    void openBlock_waitsWhileAnotherProcessHoldsTheRegionLockOfTheBlock() throws Exception {
        stage(0, filled(BLOCK, 1));
        Process holder = startRegionLockHolder(data(), plan.blockOffset(2), BLOCK);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("locked", out.readLine(), "the helper process took the lock");
            CountDownLatch opened = new CountDownLatch(1);
            Thread[] worker = new Thread[1];
            CountDownLatch started = new CountDownLatch(1);
            Future<?> staging = pool.submit(() -> {
                worker[0] = Thread.currentThread();
                started.countDown();
                try (BlockStaging open = store.openBlock(blob, plan, 2, StagingAttempt.random())) {
                    opened.countDown();
                    open.write(block(filled(BLOCK, 3)));
                }
                return null;
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            awaitInFileLock(worker[0]);
            assertEquals(1, opened.getCount(), "openBlock returned while another process held the block's range");
            // A block of another range is free meanwhile.
            stage(3, filled(BLOCK, 4));

            holder.getOutputStream().close();
            staging.get(30, TimeUnit.SECONDS);
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
            holder.destroyForcibly();
        }

        byte[] bytes = Files.readAllBytes(data());
        assertArrayEquals(filled(BLOCK, 3), Arrays.copyOfRange(bytes, 2 * BLOCK, 3 * BLOCK));
        assertArrayEquals(filled(BLOCK, 4), Arrays.copyOfRange(bytes, 3 * BLOCK, 4 * BLOCK));
    }

    /**
     * Closing the staging of one block must not drop the region lock of another block still open in this JVM
     * (POSIX drops all of a process's locks on a file when any of its descriptors of that file is closed).
     */
    @Test
    void closingTheStagingOfOneBlock_keepsTheRegionLockOfAnotherOpenOne() throws Exception {
        try (BlockStaging open = store.openBlock(blob, plan, 0, StagingAttempt.random())) {
            stage(1, filled(BLOCK, 2));
            store.openBlock(blob, plan, 4, StagingAttempt.random()).close();

            assertEquals("held", probeRegionLock(data(), plan.blockOffset(0), BLOCK), "block 0 is still locked");
            assertEquals("free", probeRegionLock(data(), plan.blockOffset(1), BLOCK), "block 1 was let go");
        }
        assertEquals("free", probeRegionLock(data(), plan.blockOffset(0), BLOCK));
    }

    @Test
    void locksAndOpenFiles_areHeldOnlyWhileInUse_whateverTheNumberOfUploads() {
        for (int upload = 0; upload < 200; upload++) {
            BlobName each = BlobName.of(UploadId.random());
            for (int block = 0; block < plan.blockCount(); block++) {
                store.stage(each, plan, block, StagingAttempt.random(), block(filled(BLOCK, block)));
            }
            if (upload % 2 == 0) {
                store.commit(each, plan, Collections.nCopies(plan.blockCount(), StagingAttempt.random()), attributes(Optional.empty()));
            }
        }

        assertEquals(0, BlockLocks.size());
        assertEquals(0, DataFiles.openCount());
    }

    // --- helpers -----------------------------------------------------------------------------

    /** Stages {@code data} as block {@code block}. */
    private void stage(int block, byte[] data) {
        store.stage(blob, plan, block, StagingAttempt.random(), block(data));
    }

    private void stageAll() {
        for (int block = 0; block < plan.blockCount(); block++) {
            stage(block, filled(BLOCK, block + 1));
        }
    }

    private CommittedBlob commit(Optional<String> sha256) {
        return store.commit(blob, plan, Collections.nCopies(plan.blockCount(), StagingAttempt.random()), attributes(sha256));
    }

    private static BlockData block(byte[] data) {
        return new BlockData(new ByteArrayInputStream(data), data.length, Optional.empty());
    }

    private byte[] wholeFile() {
        byte[] all = new byte[(int) plan.fileSize()];
        for (int block = 0; block < plan.blockCount(); block++) {
            Arrays.fill(all, block * BLOCK, (block + 1) * BLOCK, (byte) (block + 1));
        }
        return all;
    }

    private Path staging() {
        return root.resolve("staging").resolve(blob.value());
    }

    private Path data() {
        return staging().resolve("data");
    }

    private Path committed() {
        return root.resolve("committed").resolve(blob.value());
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    private static List<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Polls (with a deadline) until the background removal emptied {@code directory}. */
    private static void awaitEmpty(Path directory) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!names(directory).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still there after 30 s: " + names(directory));
            }
            Thread.sleep(10);
        }
    }

    /** Polls (with a deadline) until {@code thread} is in {@code state}. */
    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + state + " after 30 s: " + thread.getState());
            }
            Thread.sleep(1);
        }
    }

    /** Polls (with a deadline) until {@code thread} waits inside {@code FileChannel.lock}, for another process's lock. */
    private static void awaitInFileLock(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Arrays.stream(thread.getStackTrace()).noneMatch(frame -> frame.getMethodName().equals("lock")
                && frame.getClassName().endsWith("FileChannelImpl"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not waiting in FileChannel.lock after 30 s: " + Arrays.toString(thread.getStackTrace()));
            }
            Thread.sleep(1);
        }
    }

    /**
     * Starts a JVM that locks {@code length} bytes of {@code file} from {@code offset}, prints "locked", and lets go
     * and exits when its standard input closes.
     */
    private Process startRegionLockHolder(Path file, long offset, long length) throws IOException {
        return regionLockProcess("hold", file, offset, length);
    }

    /** Whether another process can lock {@code length} bytes of {@code file} from {@code offset} now: "free" or "held". */
    private String probeRegionLock(Path file, long offset, long length) throws Exception {
        Process probe = regionLockProcess("probe", file, offset, length);
        try {
            String answer = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
            return answer;
        } finally {
            probe.destroyForcibly();
        }
    }

    private Process regionLockProcess(String mode, Path file, long offset, long length) throws IOException {
        Path source = root.resolve("RegionLock.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.channels.FileLock;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;

                public class RegionLock {
                    public static void main(String[] args) throws Exception {
                        long offset = Long.parseLong(args[2]);
                        long length = Long.parseLong(args[3]);
                        try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                            if (args[0].equals("probe")) {
                                FileLock lock = channel.tryLock(offset, length, false);
                                System.out.println(lock == null ? "held" : "free");
                                return;
                            }
                            try (FileLock lock = channel.lock(offset, length, false)) {
                                System.out.println("locked");
                                System.out.flush();
                                while (System.in.read() >= 0) {
                                    // Holds the lock until the parent closes our input.
                                }
                            }
                        }
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx32m", source.toString(), mode, file.toString(), Long.toString(offset),
                Long.toString(length))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static BlobAttributes attributes(Optional<String> sha256) {
        return new BlobAttributes("application/octet-stream", new FileName("test.bin"), UploadId.random(), sha256);
    }

    private static byte[] filled(int length, int value) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) value);
        return data;
    }
}

package dev.largeupload.metadata.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MetadataStore} contract on files in a fresh directory for each test; the "second server"
 * is a second instance on the same directory.
 */
class FileMetadataStoreTest extends MetadataStoreContract {

    /** The SHA-256 of no bytes. */
    private static final Sha256 ZERO_FILE = Sha256.fromHex(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "test digest");
    private static final Sha256 OTHER = Sha256.fromHex("ab".repeat(32), "test digest");
    private static final StagingAttempt ATTEMPT = new StagingAttempt(0x0a77_e3b7L);

    @TempDir
    Path root;

    @Override
    protected MetadataStore newStore() {
        return new FileMetadataStore(root);
    }

    @Override
    protected MetadataStore secondStoreOnSameBackend() {
        return new FileMetadataStore(root);
    }

    /** The session file as a version before blocks wrote it: no {@code block_size} property. */
    @Override
    protected void createAsBeforeBlocks(UploadSession session) throws Exception {
        store.create(session);
        Path directory = root.resolve(session.id().value());
        Properties properties = SessionFiles.read(directory).orElseThrow();
        assertNotNull(properties.remove("block_size"));
        SessionFiles.write(directory, properties);
    }

    @Test
    void aPendingEventLeftByACrash_becomesAnEventIfTheSessionCountsIt_andIsDroppedIfNot() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                ChunkPlan.of(1, 1), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Optional.empty(),
                now, now.plus(Duration.ofHours(1)));
        UploadEvent created = UploadEvent.of(UploadEvent.Type.CREATED, session, now, Optional.empty(), Optional.empty());
        store.create(session, created);
        Path outbox = root.resolve(".outbox");
        Path event;
        try (Stream<Path> files = Files.list(outbox)) {
            event = files.filter(f -> f.toString().endsWith(".event")).findFirst().orElseThrow();
        }
        // A crash after the session file counted the event (seq 1), before the rename: the event stays.
        String name = event.getFileName().toString();
        Files.move(event, outbox.resolve(name.replace(".event", ".pending")));
        // A crash before the session file counted the next one (seq 2): that change never happened.
        String orphan = session.id().value() + ".0000000000000000002." + UUID.randomUUID() + ".pending";
        Files.copy(outbox.resolve(name.replace(".event", ".pending")), outbox.resolve(orphan));

        List<PendingEvent> claimed = store.outbox().claimDue("a", now, Duration.ofMinutes(1), 10);
        assertEquals(List.of(created), claimed.stream().map(PendingEvent::event).toList());
        assertTrue(Files.exists(event));
        assertFalse(Files.exists(outbox.resolve(orphan)));
        assertEquals(1, store.outbox().backlog());
    }

    @Test
    void aStrayTemporaryFileFromACrash_isIgnoredAndRemovedWithTheUpload() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                ChunkPlan.of(10L << 20, 1L << 20), "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
        store.create(session);
        store.recordBlock(session.id(), new BlockReceipt(2, now, now.plus(Duration.ofHours(1)), ZERO_FILE, ATTEMPT));
        Path directory = root.resolve(session.id().value());
        Files.writeString(directory.resolve("session.properties.123.tmp"), "state=half-writ");

        BitSet chunk2 = new BitSet();
        chunk2.set(2);
        assertEquals(chunk2, store.find(session.id()).orElseThrow().received());
        store.delete(session.id());

        assertFalse(Files.exists(directory));
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(root.resolve(".locks"), root.resolve(".outbox")), left.sorted().toList());
        }
    }

    @Test
    void scans_ignoreDirectoriesThatAreNotUploads() throws Exception {
        Files.createDirectories(root.resolve("lost+found"));
        Files.createDirectories(root.resolve(UploadId.random().value()));
        assertTrue(store.listExpired(Instant.now(), 10).isEmpty());
        assertTrue(store.listFinished(Instant.now(), 10).isEmpty());
        assertEquals(0, store.countActive(Instant.EPOCH));
    }

    @Test
    void records_are64BytesAtTheirIndexInASidecarFile_digestAttemptAndCheck() throws Exception {
        UploadSession session = newSession();
        store.create(session);
        store.recordBlock(session.id(), receipt(3, ZERO_FILE));

        byte[] file = Files.readAllBytes(root.resolve(session.id().value()).resolve("chunks.records"));

        assertEquals(10 * 64, file.length, "one record for each block of the plan (here a chunk)");
        assertTrue(ZERO_FILE.matches(Arrays.copyOfRange(file, 192, 224)));
        assertEquals(ATTEMPT.value(), ByteBuffer.wrap(file, 224, 8).getLong());
        assertTrue(Arrays.equals(new byte[192], Arrays.copyOfRange(file, 0, 192)));
        assertTrue(Arrays.equals(new byte[6 * 64], Arrays.copyOfRange(file, 256, 640)));
    }

    @Test
    void records_ofAPlanWithBlocksSmallerThanItsChunks_areOnePerBlock() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ChunkPlan plan = ChunkPlan.of(200L * (1 << 20) + 5, 64L << 20); // 4 chunks, 26 blocks of 8 MiB
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                plan, "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
        store.create(session);
        store.recordBlock(session.id(), receipt(25, ZERO_FILE));

        byte[] file = Files.readAllBytes(root.resolve(session.id().value()).resolve("chunks.records"));

        assertEquals(26 * 64, file.length, "one record for each of the 26 blocks");
        assertTrue(ZERO_FILE.matches(Arrays.copyOfRange(file, 25 * 64, 25 * 64 + 32)));
        assertEquals("8388608", SessionFiles.read(root.resolve(session.id().value())).orElseThrow().getProperty("block_size"));
    }

    @Test
    void aRecordWrittenBeforeACrash_withoutTheSessionRecordingTheChunk_isIgnoredUntilTheChunkIsRecorded() throws Exception {
        UploadSession session = newSession();
        store.create(session);
        store.recordBlock(session.id(), receipt(2, ZERO_FILE));
        // A crash after the record of chunk 4 was written, before the session file recorded the chunk.
        writeAt("chunks.records", session, ChunkRecords.recordBytes(new RecordedBlock(OTHER, ATTEMPT)), 4 * 64);

        assertEquals(new TreeMap<>(Map.of(2, new RecordedBlock(ZERO_FILE, ATTEMPT))), store.recordedBlocks(session.id()));
        assertEquals(2, store.recordBlock(session.id(), receipt(4, ZERO_FILE)));
        assertEquals(new TreeMap<>(Map.of(2, new RecordedBlock(ZERO_FILE, ATTEMPT), 4, new RecordedBlock(ZERO_FILE, ATTEMPT))),
                store.recordedBlocks(session.id()));
    }

    @Test
    void aRecordTornByACrash_failsItsCheck_andHoldsNoRecord_neverAnotherBodysAttempt() throws Exception {
        UploadSession session = newSession();
        store.create(session);
        store.recordBlock(session.id(), receipt(1, ZERO_FILE));
        store.recordBlock(session.id(), receipt(2, ZERO_FILE));
        // Chunk 2 recorded again with another body, and the write torn: the new digest, the old attempt.
        byte[] torn = ChunkRecords.recordBytes(new RecordedBlock(OTHER, ATTEMPT));
        System.arraycopy(ChunkRecords.recordBytes(new RecordedBlock(OTHER, new StagingAttempt(99))), 0, torn, 0, 32);
        torn[35] ^= 1;
        writeAt("chunks.records", session, torn, 2 * 64);

        assertEquals(new TreeMap<>(Map.of(1, new RecordedBlock(ZERO_FILE, ATTEMPT))), store.recordedBlocks(session.id()));
    }

    @Test
    void theDigestsFileOfAnOlderVersion_isReadWithTheLegacyAttempt_forTheChunksNotRecordedSince() throws Exception {
        Instant now = Instant.now();
        UploadSession session = newSession().withBlockReceived(0, now, now.plusSeconds(60)).withBlockReceived(5, now, now.plusSeconds(60));
        store.create(session);
        byte[] legacy = new byte[10 * 32];
        System.arraycopy(OTHER.bytes(), 0, legacy, 0, 32);
        System.arraycopy(ZERO_FILE.bytes(), 0, legacy, 5 * 32, 32);
        Files.write(root.resolve(session.id().value()).resolve("chunks.sha256"), legacy);

        assertEquals(new TreeMap<>(Map.of(0, new RecordedBlock(OTHER, StagingAttempt.LEGACY),
                5, new RecordedBlock(ZERO_FILE, StagingAttempt.LEGACY))), store.recordedBlocks(session.id()));
        store.recordBlock(session.id(), receipt(5, OTHER));
        assertEquals(new TreeMap<>(Map.of(0, new RecordedBlock(OTHER, StagingAttempt.LEGACY),
                5, new RecordedBlock(OTHER, ATTEMPT))), store.recordedBlocks(session.id()));
    }

    @Test
    void create_overTheRecordsOfADeleteThatCrashed_doesNotTakeThemOver() throws Exception {
        UploadSession session = newSession().withBlockReceived(0, Instant.now(), Instant.now().plusSeconds(60));
        Path directory = Files.createDirectories(root.resolve(session.id().value()));
        Files.write(directory.resolve("chunks.sha256"), OTHER.bytes());
        Files.write(directory.resolve("chunks.records"), ChunkRecords.recordBytes(new RecordedBlock(OTHER, ATTEMPT)));

        store.create(session);

        assertTrue(store.recordedBlocks(session.id()).isEmpty());
    }

    private void writeAt(String file, UploadSession session, byte[] bytes, long position) throws Exception {
        try (FileChannel channel = FileChannel.open(root.resolve(session.id().value()).resolve(file), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static UploadSession newSession() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                ChunkPlan.of(10L << 20, 1L << 20), "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
    }

    private static BlockReceipt receipt(int index, Sha256 sha256) {
        Instant now = Instant.now();
        return new BlockReceipt(index, now, now.plus(Duration.ofHours(1)), sha256, ATTEMPT);
    }
}

package dev.largeupload.metadata.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.ChunkReceipt;
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
import java.util.TreeMap;
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

    @Test
    void aStrayTemporaryFileFromACrash_isIgnoredAndRemovedWithTheUpload() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadSession session = UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                ChunkPlan.of(10L << 20, 1L << 20), "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
        store.create(session);
        store.recordChunk(session.id(), new ChunkReceipt(2, now, now.plus(Duration.ofHours(1)), ZERO_FILE));
        Path directory = root.resolve(session.id().value());
        Files.writeString(directory.resolve("session.properties.123.tmp"), "state=half-writ");

        BitSet chunk2 = new BitSet();
        chunk2.set(2);
        assertEquals(chunk2, store.find(session.id()).orElseThrow().received());
        store.delete(session.id());

        assertFalse(Files.exists(directory));
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(root.resolve(".locks")), left.toList());
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
    void digests_are32BytesAtTheirIndexInASidecarFile() throws Exception {
        UploadSession session = newSession();
        store.create(session);
        store.recordChunk(session.id(), receipt(3, ZERO_FILE));

        byte[] file = Files.readAllBytes(root.resolve(session.id().value()).resolve("chunks.sha256"));

        assertEquals(10 * 32, file.length, "one digest for each chunk of the plan");
        assertTrue(ZERO_FILE.matches(Arrays.copyOfRange(file, 96, 128)));
        assertTrue(Arrays.equals(new byte[96], Arrays.copyOfRange(file, 0, 96)));
        assertTrue(Arrays.equals(new byte[6 * 32], Arrays.copyOfRange(file, 128, 320)));
    }

    @Test
    void aDigestWrittenBeforeACrash_withoutItsRecord_isIgnoredUntilTheChunkIsRecorded() throws Exception {
        UploadSession session = newSession();
        store.create(session);
        store.recordChunk(session.id(), receipt(2, ZERO_FILE));
        // A crash after the digest of chunk 4 was written, before the session file recorded the chunk.
        try (FileChannel channel = FileChannel.open(
                root.resolve(session.id().value()).resolve("chunks.sha256"), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(OTHER.bytes()), 4 * 32);
        }

        assertEquals(new TreeMap<>(Map.of(2, ZERO_FILE)), store.chunkDigests(session.id()));
        assertEquals(2, store.recordChunk(session.id(), receipt(4, ZERO_FILE)));
        assertEquals(new TreeMap<>(Map.of(2, ZERO_FILE, 4, ZERO_FILE)), store.chunkDigests(session.id()));
    }

    @Test
    void create_overTheDigestsOfADeleteThatCrashed_doesNotTakeThemOver() throws Exception {
        UploadSession session = newSession().withChunkReceived(0, Instant.now(), Instant.now().plusSeconds(60));
        Path directory = Files.createDirectories(root.resolve(session.id().value()));
        Files.write(directory.resolve("chunks.sha256"), OTHER.bytes());

        store.create(session);

        assertTrue(store.chunkDigests(session.id()).isEmpty());
    }

    private static UploadSession newSession() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return UploadSession.start(UploadId.random(), new FileName("a.bin"), "application/octet-stream",
                ChunkPlan.of(10L << 20, 1L << 20), "00".repeat(32), Optional.empty(), now, now.plus(Duration.ofHours(1)));
    }

    private static ChunkReceipt receipt(int index, Sha256 sha256) {
        Instant now = Instant.now();
        return new ChunkReceipt(index, now, now.plus(Duration.ofHours(1)), sha256);
    }
}

package dev.largeupload.metadata.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.port.ChunkReceipt;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.MetadataStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MetadataStore} contract on files in a fresh directory for each test; the "second server"
 * is a second instance on the same directory.
 */
class FileMetadataStoreTest extends MetadataStoreContract {

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
        store.recordChunk(session.id(), new ChunkReceipt(2, now, now.plus(Duration.ofHours(1))));
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
    void listExpired_ignoresDirectoriesThatAreNotUploads() throws Exception {
        Files.createDirectories(root.resolve("lost+found"));
        Files.createDirectories(root.resolve(UploadId.random().value()));
        assertTrue(store.listExpired(Instant.now(), 10).isEmpty());
    }
}

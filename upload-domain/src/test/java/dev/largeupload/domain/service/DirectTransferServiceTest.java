package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.TransferUnavailable;
import dev.largeupload.domain.error.UploadException.WrongTransfer;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryDirectTransfers;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.service.Results.BlockTarget;
import dev.largeupload.domain.service.Results.ChunkTargets;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.StagingTargetCommand;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Direct transfers in the domain, on fakes: targets are issued per block of a chunk and never outlive the upload,
 * and status, resume and complete count a direct upload's blocks only as the blob store reports them staged with
 * their planned sizes.
 */
class DirectTransferServiceTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration GRANT = Duration.ofMinutes(10);
    /** 10 bytes; chunks of 4 bytes in blocks of 2: chunks 0 and 1 have two blocks, chunk 2 one. */
    private static final byte[] FILE = "0123456789".getBytes(StandardCharsets.US_ASCII);

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryDirectTransfers direct = new InMemoryDirectTransfers(blobs);
    private final UploadPolicy policy = new UploadPolicy(4, 4000, 1000, TTL, true, Duration.ofMinutes(5), 0,
            Duration.ofDays(1), 2);
    private final UploadService service = new UploadService(metadata, blobs, policy, clock, Optional.of(direct));
    private final DirectTransferService targets = new DirectTransferService(metadata, Optional.of(direct), policy, GRANT, clock);

    private Initiated start(TransferMode mode, Optional<String> sha256) {
        return service.initiate(new InitiateRequest("f.bin", FILE.length, OptionalLong.empty(), Optional.empty(), sha256,
                false, mode));
    }

    private ChunkTargets target(Initiated upload, long chunk) {
        return targets.target(new StagingTargetCommand(upload.session().id(), upload.uploadToken(), chunk));
    }

    /** What a client does with a target: PUTs each block's bytes (here straight into the fake store). */
    private void stage(Initiated upload, int chunk) {
        for (BlockTarget block : target(upload, chunk).blocks()) {
            blobs.stageAsIs(upload.session().blobName(), block.blockIndex(), StagingAttempt.LEGACY,
                    Arrays.copyOfRange(FILE, (int) block.offset(), (int) (block.offset() + block.length())));
        }
    }

    @Test
    void initiate_direct_keepsTheMode_andWithoutTheCapabilityIsRefused() {
        assertEquals(TransferMode.DIRECT, start(TransferMode.DIRECT, Optional.empty()).session().transfer());
        assertEquals(TransferMode.PROXY, start(TransferMode.PROXY, Optional.empty()).session().transfer());
        assertEquals(List.of(TransferMode.PROXY, TransferMode.DIRECT), service.transferModes());

        UploadService proxyOnly = new UploadService(metadata, blobs, policy, clock);
        assertEquals(List.of(TransferMode.PROXY), proxyOnly.transferModes());
        int before = metadata.countActive(clock.instant());
        assertThrows(TransferUnavailable.class, () -> proxyOnly.initiate(new InitiateRequest("f.bin", 10,
                OptionalLong.empty(), Optional.empty(), Optional.empty(), false, TransferMode.DIRECT)));
        assertEquals(before, metadata.countActive(clock.instant()), "a refused direct upload was created");
    }

    @Test
    void target_answersEveryBlockOfTheChunk_withItsIdOffsetAndLength() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());

        ChunkTargets chunk1 = target(upload, 1);
        ChunkTargets chunk2 = target(upload, 2);

        assertEquals(List.of(2, 3), chunk1.blocks().stream().map(BlockTarget::blockIndex).toList());
        assertEquals(List.of(4L, 6L), chunk1.blocks().stream().map(BlockTarget::offset).toList());
        assertEquals(List.of(2L, 2L), chunk1.blocks().stream().map(BlockTarget::length).toList());
        assertEquals(BlockId.of(3), chunk1.blocks().get(1).blockId());
        assertTrue(chunk1.blocks().get(1).target().url().contains("blockid=" + BlockId.of(3).value()));
        assertEquals(1, chunk2.blocks().size());
        assertEquals(8L, chunk2.blocks().get(0).offset());
        assertEquals(2L, chunk2.blocks().get(0).length());
    }

    @Test
    void target_expiresAfterTheGrantsTtl_inWholeSeconds_butNeverAfterTheUpload() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());
        clock.advance(Duration.ofMillis(1500));
        Instant expected = clock.instant().plus(GRANT).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(expected, target(upload, 0).blocks().get(0).target().expiresAt());

        // Five minutes before the idle upload expires, a grant ends with it.
        clock.advance(TTL.minus(Duration.ofMinutes(5)).minusMillis(1500));
        assertEquals(upload.session().expiresAt(), target(upload, 0).blocks().get(0).target().expiresAt());
    }

    @Test
    void target_isRefused_withoutTheToken_forAProxyUpload_whenCompleted_andWhenExpired() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());
        Initiated proxy = start(TransferMode.PROXY, Optional.empty());
        assertThrows(NotFound.class, () -> targets.target(new StagingTargetCommand(upload.session().id(), null, 0)));
        assertThrows(NotFound.class, () -> targets.target(new StagingTargetCommand(upload.session().id(),
                proxy.uploadToken(), 0)));
        WrongTransfer notDirect = assertThrows(WrongTransfer.class, () -> target(proxy, 0));
        assertEquals("upload.not-direct", notDirect.code());

        for (int chunk = 0; chunk < 3; chunk++) {
            stage(upload, chunk);
        }
        service.complete(upload.session().id(), upload.uploadToken());
        assertThrows(NotActive.class, () -> target(upload, 0));

        Initiated idle = start(TransferMode.DIRECT, Optional.empty());
        clock.advance(TTL);
        assertThrows(Expired.class, () -> target(idle, 0));
        assertEquals(0, direct.issued().stream().filter(t -> t.url().contains(idle.session().id().value())).count());
    }

    @Test
    void aChunkBody_sentToADirectUpload_isRefused() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());
        WrongTransfer refused = assertThrows(WrongTransfer.class, () -> service.acceptChunk(upload.session().id(),
                upload.uploadToken(), 0, new ByteArrayInputStream(FILE, 0, 4), 4, ClientDigests.NONE));
        assertEquals("upload.not-proxy", refused.code());
        assertFalse(blobs.holdsAnything(upload.session().blobName()));
    }

    @Test
    void status_countsTheBlocksTheStoreHoldsWithTheirPlannedSizes_only() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());
        stage(upload, 0);
        // Chunk 1: its first block right, its second a byte short.
        blobs.stageAsIs(upload.session().blobName(), 2, StagingAttempt.LEGACY, Arrays.copyOfRange(FILE, 4, 6));
        blobs.stageAsIs(upload.session().blobName(), 3, StagingAttempt.LEGACY, Arrays.copyOfRange(FILE, 6, 7));

        UploadSession status = service.status(upload.session().id());

        assertEquals(List.of(0), status.receivedChunks());
        assertEquals(List.of(1, 2), status.missingChunks());
        assertEquals(6, status.receivedBytes());
        assertEquals(List.of(new UploadSession.PartialChunk(1, 2)), status.partialChunks());
        assertTrue(metadata.recordedBlocks(upload.session().id()).isEmpty(), "a client's staging was recorded as digests");
    }

    @Test
    void complete_withABlockMissingOrWronglySized_isIncomplete_andCommitsNothing() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());
        stage(upload, 0);
        stage(upload, 2);
        assertEquals(List.of(1), assertThrows(Incomplete.class,
                () -> service.complete(upload.session().id(), upload.uploadToken())).missingChunks());

        blobs.stageAsIs(upload.session().blobName(), 2, StagingAttempt.LEGACY, Arrays.copyOfRange(FILE, 4, 6));
        blobs.stageAsIs(upload.session().blobName(), 3, StagingAttempt.LEGACY, Arrays.copyOfRange(FILE, 6, 9));
        assertEquals(List.of(1), assertThrows(Incomplete.class,
                () -> service.complete(upload.session().id(), upload.uploadToken())).missingChunks());

        assertEquals(0, blobs.commitCalls());
        assertEquals(UploadState.ACTIVE, service.status(upload.session().id()).state());
    }

    @Test
    void complete_ofEveryBlockStaged_commitsTheFileByteExact_withNoCompositeDigest() {
        Initiated upload = start(TransferMode.DIRECT, Optional.empty());
        for (int chunk = 2; chunk >= 0; chunk--) {
            stage(upload, chunk);
        }

        Completed done = service.complete(upload.session().id(), upload.uploadToken());

        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
        assertEquals(Optional.empty(), done.compositeSha256());
        assertEquals(Optional.empty(), done.blob().sha256());
        assertEquals(UploadState.COMPLETED, done.session().state());
    }

    @Test
    void complete_withTheFilesSha256_readsTheCommittedFileBack_andOnAMismatchDeletesIt() throws Exception {
        blobs.commitWithoutReading(); // as Azure's Put Block List: no digest of the file while committing
        String right = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(FILE));
        Initiated good = start(TransferMode.DIRECT, Optional.of(right));
        Initiated bad = start(TransferMode.DIRECT, Optional.of("0".repeat(64)));
        for (int chunk = 0; chunk < 3; chunk++) {
            stage(good, chunk);
            stage(bad, chunk);
        }

        assertEquals(Optional.of(right), service.complete(good.session().id(), good.uploadToken()).blob().sha256());
        assertThrows(ChecksumMismatch.class, () -> service.complete(bad.session().id(), bad.uploadToken()));

        assertFalse(blobs.holdsAnything(bad.session().blobName()), "a file that failed its SHA-256 stayed");
        assertEquals(UploadState.ACTIVE, service.status(bad.session().id()).state());
        assertEquals(List.of(0, 1, 2), service.resume(bad.session().id()).missingChunks());
    }
}

package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TooManyUploads;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.model.UploadToken;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UploadServiceTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final long MAX_FILE_SIZE = 1000;
    /** The test file: 10 bytes, cut by the default chunk size of 4 into chunks of 4, 4 and 2 bytes. */
    private static final byte[] FILE = "0123456789".getBytes(StandardCharsets.US_ASCII);

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final UploadService service = serviceRequiringTokens(true);

    private UploadService serviceRequiringTokens(boolean requireToken) {
        return new UploadService(metadata, blobs, new UploadPolicy(4, MAX_FILE_SIZE, TTL, requireToken, LEASE), clock);
    }

    private static InitiateRequest request(String name, long size) {
        return new InitiateRequest(name, size, OptionalLong.empty(), Optional.empty(), Optional.empty());
    }

    private Initiated initiateTenBytes() {
        return service.initiate(request("data.bin", FILE.length));
    }

    private static UploadId idOf(Initiated upload) {
        return upload.session().id();
    }

    private static byte[] chunk(int index) {
        return Arrays.copyOfRange(FILE, index * 4, Math.min(FILE.length, index * 4 + 4));
    }

    private ChunkAccepted send(UploadService using, Initiated upload, String token, int index) {
        byte[] bytes = chunk(index);
        return using.acceptChunk(idOf(upload), token, index, new ByteArrayInputStream(bytes), bytes.length, ClientDigests.NONE);
    }

    private static ClientDigests md5Only(byte[] md5) {
        return new ClientDigests(Optional.of(md5), Optional.empty());
    }

    private ChunkAccepted send(Initiated upload, int index) {
        return send(service, upload, upload.uploadToken(), index);
    }

    private Initiated initiateAndSendAll() {
        Initiated upload = initiateTenBytes();
        for (int i = 0; i < 3; i++) {
            send(upload, i);
        }
        return upload;
    }

    private UploadSession stored(Initiated upload) {
        return metadata.find(idOf(upload)).orElseThrow();
    }

    /** A body that remembers whether anyone read it. */
    private static final class WatchedBody extends ByteArrayInputStream {
        boolean read;

        WatchedBody(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read() {
            read = true;
            return super.read();
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            read = true;
            return super.read(b, off, len);
        }
    }

    private static void assertCode(String code, UploadException e) {
        assertEquals(code, e.code());
    }

    // ---- initiate ----

    @Test
    void initiate_plansTheChunksAndStoresAnActiveSession() {
        Initiated upload = initiateTenBytes();

        UploadSession s = stored(upload);
        assertEquals(UploadState.ACTIVE, s.state());
        assertEquals(3, s.plan().chunkCount());
        assertEquals(4, s.plan().chunkSize());
        assertEquals("data.bin", s.fileName().value());
        assertEquals("application/octet-stream", s.contentType());
        assertEquals(clock.instant().plus(TTL), s.expiresAt());
        assertEquals(List.of(0, 1, 2), s.missingChunks());
    }

    @Test
    void initiate_usesTheRequestedChunkSize() {
        Initiated upload = service.initiate(new InitiateRequest("data.bin", 10, OptionalLong.of(3),
                Optional.of("text/plain; charset=utf-8"), Optional.empty()));

        assertEquals(4, upload.session().plan().chunkCount());
        assertEquals("text/plain; charset=utf-8", stored(upload).contentType());
    }

    @Test
    void initiate_returnsTheTokenAndStoresOnlyItsHash() {
        Initiated upload = initiateTenBytes();

        UploadSession s = stored(upload);
        assertEquals(UploadToken.hash(upload.uploadToken()), s.tokenHash());
        assertNotEquals(upload.uploadToken(), s.tokenHash());
        assertTrue(s.isOwnedBy(upload.uploadToken()));
        assertFalse(s.toString().contains(upload.uploadToken()));
    }

    @Test
    void initiate_issuesADifferentTokenAndIdEachTime() {
        Initiated a = initiateTenBytes();
        Initiated b = initiateTenBytes();

        assertNotEquals(a.uploadToken(), b.uploadToken());
        assertNotEquals(idOf(a), idOf(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "..", "../", "a/", "\u0007", " \u202E "})
    void initiate_withANameThatHasNothingUsable_isRefusedAndStoresNothing(String name) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> service.initiate(request(name, 10)));

        assertCode("upload.invalid-filename", e);
        assertEquals(0, metadata.size());
    }

    @Test
    void initiate_withANegativeSize_isAnInvalidFileSize() {
        assertCode("upload.invalid-file-size", assertThrows(InvalidArgument.class,
                () -> service.initiate(request("data.bin", -1))));
    }

    @Test
    void initiate_overThePolicysMaximum_isTooLarge_andTheMaximumItselfIsAccepted() {
        TooLarge e = assertThrows(TooLarge.class, () -> service.initiate(request("data.bin", MAX_FILE_SIZE + 1)));

        assertEquals(MAX_FILE_SIZE, e.limit());
        assertEquals(0, metadata.size());
        assertEquals(MAX_FILE_SIZE, service.initiate(request("data.bin", MAX_FILE_SIZE)).session().plan().fileSize());
    }

    @Test
    void initiate_withAChunkSizeOfZero_isAnInvalidChunkSize() {
        assertCode("upload.invalid-chunk-size", assertThrows(InvalidArgument.class, () -> service.initiate(
                new InitiateRequest("data.bin", 10, OptionalLong.of(0), Optional.empty(), Optional.empty()))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a type", "text", "text/html\r\nX-Injected: 1", "/plain", "text/", "a/b; c"})
    void initiate_withAMalformedContentType_isRefused(String contentType) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> service.initiate(
                new InitiateRequest("data.bin", 10, OptionalLong.empty(), Optional.of(contentType), Optional.empty())));

        assertCode("upload.invalid-content-type", e);
    }

    @Test
    void initiate_withABlankContentType_usesTheDefault() {
        Initiated upload = service.initiate(
                new InitiateRequest("data.bin", 10, OptionalLong.empty(), Optional.of("  "), Optional.empty()));

        assertEquals("application/octet-stream", stored(upload).contentType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"})
    void initiate_withAMalformedSha256_isAnInvalidChecksum(String sha256) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> service.initiate(
                new InitiateRequest("data.bin", 10, OptionalLong.empty(), Optional.empty(), Optional.of(sha256))));

        assertCode("upload.invalid-checksum", e);
    }

    @Test
    void initiate_withAnUpperCaseSha256_keepsItInLowerCase() {
        String sha = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";

        Initiated upload = service.initiate(
                new InitiateRequest("data.bin", 10, OptionalLong.empty(), Optional.empty(), Optional.of(sha)));

        assertEquals(Optional.of(sha.toLowerCase()), stored(upload).expectedSha256());
    }

    // ---- acceptChunk ----

    @Test
    void acceptChunk_stagesTheBytesAndRecordsTheChunk() {
        Initiated upload = initiateTenBytes();

        ChunkAccepted accepted = send(upload, 1);

        assertEquals(1, accepted.index());
        StagingAttempt attempt = metadata.recordedBlocks(idOf(upload)).get(1).attempt();
        assertEquals(BlockId.of(1, StagingAttempt.LEGACY), accepted.blockId(), "the chunk's label");
        assertEquals(1, accepted.receivedCount());
        assertEquals(40.0, accepted.progressPercentage(), "4 of the 10 bytes");
        assertArrayEquals(chunk(1), blobs.stagedChunk(upload.session().blobName(), 1, attempt).orElseThrow());
        assertEquals(List.of(1), stored(upload).receivedChunks());
    }

    @Test
    void acceptChunk_progressCountsBytes_theShortLastChunkWithItsOwnLength_asStatusDoes() {
        Initiated upload = initiateTenBytes();

        assertEquals(20.0, send(upload, 2).progressPercentage(), "the last chunk is 2 of the 10 bytes");
        assertEquals(20.0, stored(upload).progressPercentage());
        assertEquals(60.0, send(upload, 0).progressPercentage(), "the session read before staging knew chunk 2");
        assertEquals(100.0, send(upload, 1).progressPercentage());
    }

    @Test
    void acceptChunk_pushesTheExpiryForward() {
        Initiated upload = initiateTenBytes();
        clock.advance(Duration.ofMinutes(50));

        send(upload, 0);

        assertEquals(clock.instant().plus(TTL), stored(upload).expiresAt());
        clock.advance(Duration.ofMinutes(50));
        send(upload, 1);
    }

    @Test
    void acceptChunk_sameIndexAgain_replacesItAndCountsItOnce() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);

        ChunkAccepted again = send(upload, 0);

        assertEquals(1, again.receivedCount());
        assertEquals(List.of(0), stored(upload).receivedChunks());
    }

    @Test
    void acceptChunk_sameIndexAgain_keepsTheRecordedBytes_andDoesNotStageTheNewBody() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);
        RecordedBlock before = metadata.recordedBlocks(idOf(upload)).get(0);

        ChunkAccepted again = service.acceptChunk(idOf(upload), upload.uploadToken(), 0,
                new ByteArrayInputStream("abcd".getBytes(StandardCharsets.US_ASCII)), 4, ClientDigests.NONE);

        assertEquals(1, blobs.stagedAttempts(upload.session().blobName(), 0), "the second body was not staged");
        assertEquals(before, metadata.recordedBlocks(idOf(upload)).get(0), "the record is the first body's");
        assertEquals(Optional.of(sha256("abcd".getBytes(StandardCharsets.US_ASCII))), again.sha256(),
                "the answer names the body it read");
        assertTrue(again.chunkReceived());
    }

    /**
     * Two bodies of chunk 1 at once, interleaved as two servers (or threads) can: A is staged, B is staged and
     * recorded, then A is recorded. Answers A's and B's acceptance; A's record is the last.
     */
    private ChunkAccepted[] raceRecordedOutOfOrder(Initiated upload, byte[] a, byte[] b) throws Exception {
        send(upload, 0);
        send(upload, 2);
        CountDownLatch aStagedAndHeld = new CountDownLatch(1);
        CountDownLatch bRecorded = new CountDownLatch(1);
        metadata.beforeEachRecord(receipt -> {
            if (receipt.sha256().equals(sha256(a))) {
                aStagedAndHeld.countDown();
                awaitQuietly(bRecorded);
            }
        });
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<ChunkAccepted> first = other.submit(() -> service.acceptChunk(idOf(upload), upload.uploadToken(), 1,
                    new ByteArrayInputStream(a), a.length, ClientDigests.NONE));
            assertTrue(aStagedAndHeld.await(10, TimeUnit.SECONDS), "A was never staged");
            ChunkAccepted second = service.acceptChunk(idOf(upload), upload.uploadToken(), 1,
                    new ByteArrayInputStream(b), b.length, ClientDigests.NONE);
            bRecorded.countDown();
            return new ChunkAccepted[] {first.get(10, TimeUnit.SECONDS), second};
        } finally {
            bRecorded.countDown();
            other.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the gate was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void acceptChunk_twoBodiesOfOneIndexRecordedOutOfOrder_completeAnswersTheCompositeOfTheBytesCommitted() throws Exception {
        Initiated upload = initiateTenBytes();
        byte[] a = "AAAA".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "BBBB".getBytes(StandardCharsets.US_ASCII);
        ChunkAccepted[] answers = raceRecordedOutOfOrder(upload, a, b);

        Completed done = service.complete(idOf(upload), upload.uploadToken());

        byte[] committed = blobs.committedBytes(upload.session().blobName()).orElseThrow();
        assertEquals(Sha256.composite(List.of(sha256(Arrays.copyOfRange(committed, 0, 4)), sha256(Arrays.copyOfRange(committed, 4, 8)),
                sha256(Arrays.copyOfRange(committed, 8, 10)))), done.compositeSha256().orElseThrow(),
                "the composite accepted is that of the bytes committed");
        assertArrayEquals("0123AAAA89".getBytes(StandardCharsets.US_ASCII), committed, "the last record names the bytes kept");
        assertEquals(Optional.of(sha256(a)), answers[0].sha256());
    }

    @Test
    void acceptChunk_twoBodiesOfOneIndexRecordedOutOfOrder_aCompositeOfTheBodyNotRecordedLastIsRefusedAndNothingCommitted()
            throws Exception {
        Initiated upload = initiateTenBytes();
        byte[] a = "AAAA".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "BBBB".getBytes(StandardCharsets.US_ASCII);
        raceRecordedOutOfOrder(upload, a, b);
        Sha256 compositeOfB = Sha256.composite(List.of(sha256(chunk(0)), sha256(b), sha256(chunk(2))));

        assertThrows(ChecksumMismatch.class, () -> service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.empty(), Optional.of(compositeOfB))));

        assertEquals(0, blobs.commitCalls());
        assertEquals(UploadState.ACTIVE, stored(upload).state());
    }

    @Test
    void acceptChunk_withAWrongToken_isNotFoundAndStagesNothing() {
        Initiated upload = initiateTenBytes();

        NotFound e = assertThrows(NotFound.class, () -> send(service, upload, UploadToken.issue(), 0));

        assertCode("upload.not-found", e);
        assertFalse(blobs.holdsAnything(upload.session().blobName()));
        assertEquals(0, stored(upload).receivedCount());
    }

    @Test
    void acceptChunk_withoutAToken_isNotFound() {
        Initiated upload = initiateTenBytes();

        assertThrows(NotFound.class, () -> send(service, upload, null, 0));
    }

    @Test
    void acceptChunk_withAWrongToken_isAccepted_whenThePolicyDoesNotRequireTokens() {
        Initiated upload = initiateTenBytes();
        UploadService seedCompatible = serviceRequiringTokens(false);

        ChunkAccepted accepted = send(seedCompatible, upload, null, 0);

        assertEquals(1, accepted.receivedCount());
        assertEquals(1, send(seedCompatible, upload, "wrong", 0).receivedCount());
    }

    @Test
    void acceptChunk_forAnUnknownUpload_isNotFound() {
        assertThrows(NotFound.class, () -> service.acceptChunk(UploadId.random(), "t", 0,
                new ByteArrayInputStream(new byte[4]), 4, ClientDigests.NONE));
    }

    @Test
    void acceptChunk_withAWrongDeclaredLength_isRefusedBeforeTheBodyIsRead() {
        Initiated upload = initiateTenBytes();
        WatchedBody body = new WatchedBody(new byte[5]);

        ChunkLengthMismatch e = assertThrows(ChunkLengthMismatch.class, () -> service.acceptChunk(
                idOf(upload), upload.uploadToken(), 0, body, 5, ClientDigests.NONE));

        assertEquals(4, e.expected());
        assertFalse(body.read, "the body was read");
        assertEquals(0, stored(upload).receivedCount());
    }

    @Test
    void acceptChunk_withoutADeclaredLength_checksTheBodyItself() {
        Initiated upload = initiateTenBytes();

        assertThrows(ChunkLengthMismatch.class, () -> service.acceptChunk(
                idOf(upload), upload.uploadToken(), 2, new ByteArrayInputStream(new byte[3]), -1, ClientDigests.NONE));
        assertThrows(ChunkLengthMismatch.class, () -> service.acceptChunk(
                idOf(upload), upload.uploadToken(), 2, new ByteArrayInputStream(new byte[1]), -1, ClientDigests.NONE));

        assertEquals(0, blobs.stagedAttempts(upload.session().blobName(), 2));
        assertEquals(0, stored(upload).receivedCount());
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 3, Integer.MAX_VALUE + 1L, Long.MAX_VALUE})
    void acceptChunk_withAnIndexOutOfRange_isRefusedBeforeTheBodyIsRead(long index) {
        Initiated upload = initiateTenBytes();
        WatchedBody body = new WatchedBody(new byte[4]);

        assertThrows(ChunkOutOfRange.class, () -> service.acceptChunk(
                idOf(upload), upload.uploadToken(), index, body, 4, ClientDigests.NONE));

        assertFalse(body.read);
    }

    @Test
    void acceptChunk_withAWrongMd5_isAChecksumMismatchAndRecordsNothing() {
        Initiated upload = initiateTenBytes();
        byte[] wrongMd5 = md5(chunk(1));

        assertThrows(ChecksumMismatch.class, () -> service.acceptChunk(idOf(upload), upload.uploadToken(), 0,
                new ByteArrayInputStream(chunk(0)), 4, md5Only(wrongMd5)));

        assertEquals(0, stored(upload).receivedCount());
        assertEquals(0, blobs.stagedAttempts(upload.session().blobName(), 0));
    }

    @Test
    void acceptChunk_withTheRightMd5_isAccepted() {
        Initiated upload = initiateTenBytes();

        ChunkAccepted accepted = service.acceptChunk(idOf(upload), upload.uploadToken(), 0,
                new ByteArrayInputStream(chunk(0)), 4, md5Only(md5(chunk(0))));

        assertEquals(1, accepted.receivedCount());
    }

    @Test
    void acceptChunk_withAnMd5ThatIsNot16Bytes_isAnInvalidChecksum() {
        Initiated upload = initiateTenBytes();

        InvalidArgument e = assertThrows(InvalidArgument.class, () -> service.acceptChunk(idOf(upload),
                upload.uploadToken(), 0, new ByteArrayInputStream(chunk(0)), 4, md5Only(new byte[15])));

        assertCode("upload.invalid-checksum", e);
    }

    @Test
    void acceptChunk_afterCompletion_isNotActive() {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());

        assertThrows(NotActive.class, () -> send(upload, 0));
    }

    @Test
    void acceptChunk_afterTheUploadIdledPastItsExpiry_isExpired() {
        Initiated upload = initiateTenBytes();
        clock.advance(TTL);

        assertThrows(Expired.class, () -> send(upload, 0));
    }

    // ---- complete ----

    @Test
    void complete_withMissingChunks_listsThemAndStaysActive() {
        Initiated upload = initiateTenBytes();
        send(upload, 1);

        Incomplete e = assertThrows(Incomplete.class, () -> service.complete(idOf(upload), upload.uploadToken()));

        assertEquals(List.of(0, 2), e.missingChunks());
        assertCode("upload.incomplete", e);
        assertEquals(UploadState.ACTIVE, stored(upload).state());
        assertEquals(0, blobs.commitCalls());
        send(upload, 0);
    }

    @Test
    void complete_withEveryChunk_commitsTheBlobAndMarksTheUploadCompleted() {
        Initiated upload = initiateAndSendAll();

        Completed done = service.complete(idOf(upload), upload.uploadToken());

        assertEquals(UploadState.COMPLETED, done.session().state());
        assertEquals(UploadState.COMPLETED, stored(upload).state());
        assertEquals(FILE.length, done.blob().size());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
        BlobAttributes attributes = blobs.committedAttributes(upload.session().blobName()).orElseThrow();
        assertEquals("data.bin", attributes.fileName().value());
        assertEquals("application/octet-stream", attributes.contentType());
        assertEquals(idOf(upload), attributes.uploadId());
        assertEquals(100.0, service.status(idOf(upload)).progressPercentage());
    }

    @Test
    void complete_repeated_answersTheSameWithoutCommittingAgain() {
        Initiated upload = initiateAndSendAll();
        Completed first = service.complete(idOf(upload), upload.uploadToken());

        Completed second = service.complete(idOf(upload), upload.uploadToken());

        assertEquals(UploadState.COMPLETED, second.session().state());
        assertEquals(first.blob().size(), second.blob().size());
        assertEquals(1, blobs.commitCalls());
        assertTrue(first.committedNow(), "the first call committed");
        assertFalse(second.committedNow(), "the repeat found it committed");
    }

    @Test
    void complete_repeatedWithAWrongSha256_isAChecksumMismatchAndChangesNothing() {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());
        Sha256 wrong = sha256("not the file".getBytes(StandardCharsets.US_ASCII));

        ChecksumMismatch e = assertThrows(ChecksumMismatch.class, () -> service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.of(wrong), Optional.empty())));

        assertCode("upload.checksum-mismatch", e);
        assertEquals(UploadState.COMPLETED, stored(upload).state());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
        assertEquals(1, blobs.commitCalls());
    }

    @Test
    void complete_repeatedWithTheSha256VerifiedWhileCommitting_isAcceptedWithoutReadingTheFile() {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken(), new CompletionRequest(Optional.of(sha256(FILE)), Optional.empty()));

        Completed again = service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.of(sha256(FILE)), Optional.empty()));

        assertEquals(Optional.of(sha256(FILE).hex()), again.blob().sha256());
        assertEquals(0, blobs.openCalls());
    }

    @Test
    void complete_repeatedWithASha256NeverVerified_readsTheFileOnceAndRemembersWhatItFound() {
        blobs.commitWithoutReading();
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());
        CompletionRequest wrong = new CompletionRequest(Optional.of(sha256(chunk(0))), Optional.empty());
        CompletionRequest right = new CompletionRequest(Optional.of(sha256(FILE)), Optional.empty());

        assertThrows(ChecksumMismatch.class, () -> service.complete(idOf(upload), upload.uploadToken(), wrong));
        Completed accepted = service.complete(idOf(upload), upload.uploadToken(), right);
        service.complete(idOf(upload), upload.uploadToken(), right);

        assertEquals(Optional.of(sha256(FILE).hex()), accepted.blob().sha256());
        assertEquals(1, blobs.openCalls(), "one read of the file served all three calls");
        UploadService anotherServer = serviceRequiringTokens(true);
        assertThrows(ChecksumMismatch.class, () -> anotherServer.complete(idOf(upload), upload.uploadToken(), wrong));
        assertEquals(2, blobs.openCalls(), "a server that verified nothing reads the file itself");
    }

    @Test
    void complete_withAWrongToken_isNotFound() {
        Initiated upload = initiateAndSendAll();

        assertThrows(NotFound.class, () -> service.complete(idOf(upload), "wrong"));
        assertEquals(UploadState.ACTIVE, stored(upload).state());
    }

    @Test
    void complete_whenTheBlobStoreIsUnavailable_leavesTheUploadActiveSoARetrySucceeds() {
        Initiated upload = initiateAndSendAll();
        blobs.failNextCommitWith(() -> new StoreUnavailable("blob store away", null));

        assertThrows(StoreUnavailable.class, () -> service.complete(idOf(upload), upload.uploadToken()));
        assertEquals(UploadState.ACTIVE, stored(upload).state());

        Completed retried = service.complete(idOf(upload), upload.uploadToken());
        assertEquals(UploadState.COMPLETED, retried.session().state());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void complete_whenTheBlobStoreLacksAChunk_leavesTheUploadActive() {
        Initiated upload = initiateAndSendAll();
        blobs.failNextCommitWith(() -> new Incomplete(List.of(1)));

        Incomplete e = assertThrows(Incomplete.class, () -> service.complete(idOf(upload), upload.uploadToken()));

        assertEquals(List.of(1), e.missingChunks());
        assertEquals(UploadState.ACTIVE, stored(upload).state());
    }

    @Test
    void complete_takesOverACompletionOlderThanTheLease() {
        Initiated upload = initiateAndSendAll();
        // Another server moved it to COMPLETING and then stopped.
        assertTrue(metadata.compareAndSetState(idOf(upload), UploadState.ACTIVE, UploadState.COMPLETING, clock.instant()));
        clock.advance(LEASE);

        Completed done = service.complete(idOf(upload), upload.uploadToken());

        assertEquals(UploadState.COMPLETED, done.session().state());
        assertEquals(UploadState.COMPLETED, stored(upload).state());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void complete_whileAnotherCompletionIsWithinTheLease_isNotActive() {
        Initiated upload = initiateAndSendAll();
        assertTrue(metadata.compareAndSetState(idOf(upload), UploadState.ACTIVE, UploadState.COMPLETING, clock.instant()));
        clock.advance(LEASE.minusSeconds(1));

        assertThrows(NotActive.class, () -> service.complete(idOf(upload), upload.uploadToken()));

        assertEquals(UploadState.COMPLETING, stored(upload).state());
        assertEquals(0, blobs.commitCalls());
    }

    @Test
    void complete_ofAnAbortedUpload_isNotFound() {
        Initiated upload = initiateAndSendAll();
        service.abort(idOf(upload), upload.uploadToken());

        assertThrows(NotFound.class, () -> service.complete(idOf(upload), upload.uploadToken()));
    }

    @Test
    void complete_ofAZeroByteUpload_commitsAnEmptyBlob() throws IOException {
        Initiated upload = service.initiate(request("empty.txt", 0));
        assertEquals(0, upload.session().plan().chunkCount());

        Completed done = service.complete(idOf(upload), upload.uploadToken());

        assertEquals(UploadState.COMPLETED, done.session().state());
        assertEquals(0, done.blob().size());
        assertArrayEquals(new byte[0], blobs.committedBytes(upload.session().blobName()).orElseThrow());
        try (InputStream in = service.download(idOf(upload)).open(0, 0)) {
            assertEquals(0, in.readAllBytes().length);
        }
    }

    // ---- abort ----

    @Test
    void abort_removesTheBlobDataAndTheMetadata() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);
        assertTrue(blobs.holdsAnything(upload.session().blobName()));

        service.abort(idOf(upload), upload.uploadToken());

        assertFalse(blobs.holdsAnything(upload.session().blobName()));
        assertTrue(metadata.find(idOf(upload)).isEmpty());
        assertThrows(NotFound.class, () -> service.status(idOf(upload)));
    }

    @Test
    void abort_ofACompletedUpload_deletesTheCommittedFile() {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());

        service.abort(idOf(upload), upload.uploadToken());

        assertFalse(blobs.holdsAnything(upload.session().blobName()));
        assertTrue(metadata.find(idOf(upload)).isEmpty());
    }

    @Test
    void abort_withAWrongToken_isNotFoundAndKeepsEverything() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);

        assertThrows(NotFound.class, () -> service.abort(idOf(upload), "wrong"));

        assertTrue(blobs.holdsAnything(upload.session().blobName()));
        assertEquals(UploadState.ACTIVE, stored(upload).state());
    }

    @Test
    void abort_whileACompletionIsWithinTheLease_isNotActive() {
        Initiated upload = initiateAndSendAll();
        metadata.compareAndSetState(idOf(upload), UploadState.ACTIVE, UploadState.COMPLETING, clock.instant());

        assertThrows(NotActive.class, () -> service.abort(idOf(upload), upload.uploadToken()));
        assertTrue(blobs.holdsAnything(upload.session().blobName()));
    }

    // ---- expire ----

    @Test
    void expire_beforeTheExpiry_doesNothing() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);
        clock.advance(TTL.minusSeconds(1));

        assertFalse(service.expire(idOf(upload)));

        assertEquals(UploadState.ACTIVE, stored(upload).state());
        assertTrue(blobs.holdsAnything(upload.session().blobName()));
    }

    @Test
    void expire_afterTheExpiry_discardsTheDataAndStatusThenAnswersExpired() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);
        clock.advance(TTL);
        assertEquals(List.of(idOf(upload)), service.expiredUploads(10));

        assertTrue(service.expire(idOf(upload)));

        assertFalse(blobs.holdsAnything(upload.session().blobName()));
        assertEquals(UploadState.EXPIRED, stored(upload).state());
        assertCode("upload.expired", assertThrows(Expired.class, () -> service.status(idOf(upload))));
        assertThrows(Expired.class, () -> service.resume(idOf(upload)));
        assertEquals(List.of(), service.expiredUploads(10));
        assertFalse(service.expire(idOf(upload)), "a second expire reports no change");
    }

    @Test
    void expire_ofACompletedUpload_doesNothingEvenPastTheExpiry() {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());
        clock.advance(TTL.multipliedBy(10));

        assertFalse(service.expire(idOf(upload)));

        assertEquals(UploadState.COMPLETED, stored(upload).state());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void expire_ofAnUnknownUpload_doesNothing() {
        assertFalse(service.expire(UploadId.random()));
    }

    // ---- status ----

    @Test
    void status_needsNoTokenAndShowsTheProgress() {
        Initiated upload = initiateTenBytes();
        send(upload, 0);

        UploadSession s = service.status(idOf(upload));

        assertEquals(List.of(1, 2), s.missingChunks());
        assertEquals(40.0, s.progressPercentage());
    }

    @Test
    void status_ofAnActiveUploadIdlePastItsExpiry_isExpired_evenBeforeTheJobRan() {
        Initiated upload = initiateTenBytes();
        clock.advance(TTL);

        assertThrows(Expired.class, () -> service.status(idOf(upload)));
    }

    // ---- download ----

    @Test
    void download_ofAnUploadNotCompleted_isNotActive() {
        Initiated upload = initiateAndSendAll();

        assertThrows(NotActive.class, () -> service.download(idOf(upload)));
    }

    @Test
    void download_ofACompletedUpload_readsTheWholeFileAndRanges() throws IOException {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());

        Download download = service.download(idOf(upload));

        assertEquals(FILE.length, download.size());
        try (InputStream whole = download.open(0, FILE.length); InputStream part = download.open(3, 5);
             InputStream tail = download.open(9, 1)) {
            assertArrayEquals(FILE, whole.readAllBytes());
            assertArrayEquals("34567".getBytes(StandardCharsets.US_ASCII), part.readAllBytes());
            assertArrayEquals("9".getBytes(StandardCharsets.US_ASCII), tail.readAllBytes());
        }
    }

    @Test
    void download_withARangeOutsideTheFile_isAnInvalidRange() {
        Initiated upload = initiateAndSendAll();
        service.complete(idOf(upload), upload.uploadToken());
        Download download = service.download(idOf(upload));

        long[][] ranges = {{-1, 1}, {0, -1}, {0, 11}, {10, 1}, {5, 6}, {1, Long.MAX_VALUE}, {Long.MAX_VALUE, 1}};
        for (long[] range : ranges) {
            InvalidArgument e = assertThrows(InvalidArgument.class, () -> download.open(range[0], range[1]),
                    () -> "range " + range[0] + "+" + range[1]);
            assertCode("upload.invalid-range", e);
        }
    }

    @Test
    void download_ofAnUnknownUpload_isNotFound() {
        assertThrows(NotFound.class, () -> service.download(UploadId.random()));
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---- integrity: chunk digests, composite, whole file ----

    @Test
    void acceptChunk_recordsAndAnswersTheChunksSha256() {
        Initiated upload = initiateTenBytes();

        ChunkAccepted accepted = send(upload, 1);

        assertEquals(Optional.of(sha256(chunk(1))), accepted.sha256());
        assertEquals(sha256(chunk(1)), metadata.recordedBlocks(idOf(upload)).get(1).sha256());
    }

    @Test
    void acceptChunk_withTheRightSha256_isAccepted_andWithAWrongOne_recordsAndStagesNothing() {
        Initiated upload = initiateTenBytes();

        assertThrows(ChecksumMismatch.class, () -> service.acceptChunk(idOf(upload), upload.uploadToken(), 0,
                new ByteArrayInputStream(chunk(0)), 4, sha256Only(sha256(chunk(1)))));
        assertEquals(0, stored(upload).receivedCount());
        assertEquals(0, blobs.stagedAttempts(upload.session().blobName(), 0));

        ChunkAccepted accepted = service.acceptChunk(idOf(upload), upload.uploadToken(), 0,
                new ByteArrayInputStream(chunk(0)), 4, sha256Only(sha256(chunk(0))));
        assertEquals(1, accepted.receivedCount());
    }

    @Test
    void acceptChunk_whenTheUploadIsDeletedWhileTheChunkStreams_discardsWhatWasStaged() {
        Initiated upload = initiateTenBytes();
        InputStream deletingBody = new ByteArrayInputStream(chunk(0)) {
            private boolean deleted;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (!deleted) {
                    deleted = true;
                    service.abort(idOf(upload), upload.uploadToken());
                }
                return super.read(b, off, len);
            }
        };

        assertThrows(NotFound.class, () -> service.acceptChunk(idOf(upload), upload.uploadToken(), 0, deletingBody, 4,
                ClientDigests.NONE));

        assertFalse(blobs.holdsAnything(upload.session().blobName()), "the chunk staged after the delete was discarded");
    }

    @Test
    void complete_withTheRightCompositeDigest_commitsAndAnswersIt() {
        Initiated upload = initiateAndSendAll();
        Sha256 composite = Sha256.composite(List.of(sha256(chunk(0)), sha256(chunk(1)), sha256(chunk(2))));

        Completed done = service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.empty(), Optional.of(composite)));

        assertEquals(Optional.of(composite), done.compositeSha256());
        assertEquals(UploadState.COMPLETED, stored(upload).state());
    }

    @Test
    void complete_withAWrongCompositeDigest_commitsNothingAndStaysActive() {
        Initiated upload = initiateAndSendAll();
        Sha256 outOfOrder = Sha256.composite(List.of(sha256(chunk(1)), sha256(chunk(0)), sha256(chunk(2))));

        assertThrows(ChecksumMismatch.class, () -> service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.empty(), Optional.of(outOfOrder))));

        assertEquals(UploadState.ACTIVE, stored(upload).state());
        assertEquals(0, blobs.commitCalls());
    }

    @Test
    void complete_withASha256OtherThanTheOneGivenAtInit_isRefusedBeforeCommitting() {
        Initiated upload = service.initiate(new InitiateRequest("data.bin", FILE.length, OptionalLong.empty(),
                Optional.empty(), Optional.of(sha256(FILE).hex())));
        for (int i = 0; i < 3; i++) {
            send(upload, i);
        }

        InvalidArgument e = assertThrows(InvalidArgument.class, () -> service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.of(sha256(chunk(0))), Optional.empty())));

        assertCode("upload.invalid-checksum", e);
        assertEquals(0, blobs.commitCalls());
        Completed done = service.complete(idOf(upload), upload.uploadToken(),
                new CompletionRequest(Optional.of(sha256(FILE)), Optional.empty()));
        assertEquals(Optional.of(sha256(FILE).hex()), blobs.committedAttributes(upload.session().blobName()).orElseThrow().sha256());
        assertEquals(UploadState.COMPLETED, done.session().state());
    }

    // ---- names and limits ----

    @Test
    void initiate_sanitisesTheDisplayName() {
        Initiated upload = service.initiate(request("C:\\fakepath\\re\u202Eport.pdf", 10));
        assertEquals("report.pdf", stored(upload).fileName().value());
    }

    @Test
    void initiate_atTheActiveUploadCap_isTooManyUploads_andEndedUploadsDoNotCount() {
        UploadService capped = new UploadService(metadata, blobs,
                new UploadPolicy(4, 16, MAX_FILE_SIZE, TTL, true, LEASE, 2, Duration.ofDays(1)), clock);
        Initiated first = capped.initiate(request("a", 10));
        capped.initiate(request("b", 10));

        UploadException e = assertThrows(UploadException.class, () -> capped.initiate(request("c", 10)));

        assertCode("upload.too-many-uploads", e);
        capped.abort(idOf(first), first.uploadToken());
        capped.initiate(request("c", 10));
    }

    /**
     * Sixteen inits at once against a cap of 3, on a store that lets every count happen before any creation (as
     * it happens on a busy server): a service that counted and then created would admit all sixteen.
     */
    @Test
    void initiate_from16ThreadsAtOnceAtACapOf3_admitsExactly3() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 3; round++) {
                InMemoryMetadataStore store = new InMemoryMetadataStore();
                CyclicBarrier allCounting = new CyclicBarrier(16);
                store.beforeCountingActive(() -> {
                    try {
                        allCounting.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the sixteen counts did not line up", e);
                    }
                });
                UploadService capped = new UploadService(store, blobs,
                        new UploadPolicy(4, 16, MAX_FILE_SIZE, TTL, true, LEASE, 3, Duration.ofDays(1)), clock);
                CyclicBarrier start = new CyclicBarrier(16);
                List<Future<Boolean>> attempts = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    attempts.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            capped.initiate(request("racer", 10));
                            return true;
                        } catch (TooManyUploads refused) {
                            return false;
                        }
                    }));
                }
                int admitted = 0;
                for (Future<Boolean> attempt : attempts) {
                    admitted += attempt.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(3, admitted, "round " + round);
                assertEquals(3, store.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void initiate_withAChunkSizeOverThePolicysMaximum_isRefused_andAFileNeedingLargerChunksIsTooLarge() {
        UploadService small = new UploadService(metadata, blobs,
                new UploadPolicy(4, 8, MAX_FILE_SIZE, TTL, true, LEASE, 0, Duration.ofDays(1)), clock);
        assertCode("upload.invalid-chunk-size", assertThrows(InvalidArgument.class, () -> small.initiate(
                new InitiateRequest("a", 100, OptionalLong.of(9), Optional.empty(), Optional.empty()))));
        UploadService tiny = new UploadService(metadata, blobs,
                new UploadPolicy(1, 1, 1_000_000, TTL, true, LEASE, 0, Duration.ofDays(1)), clock);
        assertThrows(TooLarge.class, () -> tiny.initiate(request("big", 50_001)));
    }

    // ---- sweep ----

    @Test
    void sweep_expiresIdleUploads_thenRemovesTheirRecordsAfterTheRetention() {
        UploadService swept = new UploadService(metadata, blobs,
                new UploadPolicy(4, 16, MAX_FILE_SIZE, TTL, true, LEASE, 0, Duration.ofHours(2)), clock);
        Initiated idle = swept.initiate(request("idle", 10));
        swept.acceptChunk(idOf(idle), idle.uploadToken(), 0, new ByteArrayInputStream(chunk(0)), 4, ClientDigests.NONE);
        Initiated done = swept.initiate(request("done", 4));
        swept.acceptChunk(idOf(done), done.uploadToken(), 0, new ByteArrayInputStream(chunk(0)), 4, ClientDigests.NONE);
        swept.complete(idOf(done), done.uploadToken());
        clock.advance(TTL);

        assertEquals(new UploadService.SweepResult(1, 0), swept.sweep(10));
        assertEquals(UploadState.EXPIRED, stored(idle).state());
        assertFalse(blobs.holdsAnything(idle.session().blobName()));

        clock.advance(Duration.ofHours(1));
        assertEquals(new UploadService.SweepResult(0, 0), swept.sweep(10), "kept during the retention");
        clock.advance(Duration.ofHours(1));
        assertEquals(new UploadService.SweepResult(0, 1), swept.sweep(10));
        assertCode("upload.not-found", assertThrows(NotFound.class, () -> swept.status(idOf(idle))));
        assertEquals(UploadState.COMPLETED, stored(done).state(), "a completed upload is never swept");
    }

    private static Sha256 sha256(byte[] bytes) {
        return Sha256.of(Sha256.newDigest().digest(bytes));
    }

    private static ClientDigests sha256Only(Sha256 sha256) {
        return new ClientDigests(Optional.empty(), Optional.of(sha256));
    }
}

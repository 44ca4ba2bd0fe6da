package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.LengthMismatch;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.InMemoryPieceStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase.AppendStatus;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Uploads whose length is deferred, over blocks of 4 bytes and a largest file of 1,000 bytes: planned for 1,000
 * bytes until the length is declared, then cut to it; appends before and after byte-exact.
 */
class AppendServiceDeferredLengthTest {

    private static final byte[] FILE = new byte[40];

    static {
        for (int i = 0; i < FILE.length; i++) {
            FILE[i] = (byte) ('A' + i % 26);
        }
    }

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final UploadPolicy policy =
            new UploadPolicy(16, 1000, 1000, Duration.ofHours(1), true, Duration.ofMinutes(5), 0, Duration.ofDays(1), 4);
    private final UploadService service = new UploadService(metadata, blobs, policy, clock);
    private final AppendService appends = new AppendService(metadata, blobs, new InMemoryPieceStore(), service, policy,
            clock, Executors.newCachedThreadPool());
    private final Initiated upload = appends.start(new InitiateRequest("deferred.bin", 0, OptionalLong.empty(),
            Optional.empty(), Optional.empty(), true), "");
    private final UploadId id = upload.session().id();
    private final String token = upload.uploadToken();

    @Test
    void start_plansForTheLargestFile_withItsLengthDeferred() {
        AppendStatus status = appends.appendStatus(id, token);
        assertTrue(status.session().lengthDeferred());
        assertEquals(1000, status.session().plan().fileSize());
        assertEquals(4, status.session().plan().blockSize());
        assertEquals(0, status.offset());
    }

    @Test
    void appendsBeforeAndAfterTheLengthIsDeclared_completeByteExact() {
        assertEquals(6, append(0, 6).offset());
        assertEquals(13, append(6, 13).offset());
        AppendStatus declared = appends.declareLength(id, token, FILE.length);
        assertFalse(declared.session().lengthDeferred());
        assertEquals(FILE.length, declared.session().plan().fileSize());
        assertEquals(13, declared.offset());
        assertEquals(40, append(13, 40).offset());
        service.complete(id, token);
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void aLengthDeclaredWhereThePieceHeldEnds_stagesThatLastBlock_andCompletes() {
        assertEquals(13, append(0, 13).offset());
        AppendStatus declared = appends.declareLength(id, token, 13);
        assertEquals(13, declared.offset());
        assertTrue(declared.session().allChunksReceived());
        service.complete(id, token);
        assertArrayEquals(Arrays.copyOf(FILE, 13), blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void theLengthIsDeclaredOnce_theSameAgainIsFine_anotherIsALengthMismatch() {
        append(0, 6);
        appends.declareLength(id, token, 20);
        assertEquals(20, appends.declareLength(id, token, 20).session().plan().fileSize());
        LengthMismatch mismatch = assertThrows(LengthMismatch.class, () -> appends.declareLength(id, token, 21));
        assertEquals("upload.length-mismatch", mismatch.code());
        assertEquals(20, appends.appendStatus(id, token).session().plan().fileSize());
    }

    @Test
    void aLengthShorterThanTheBytesHeld_isALengthMismatch_andTheLengthStaysDeferred() {
        append(0, 13);
        assertThrows(LengthMismatch.class, () -> appends.declareLength(id, token, 12));
        assertTrue(appends.appendStatus(id, token).session().lengthDeferred());
    }

    @Test
    void aLengthOverTheLargestFile_orAnAppendPastIt_isTooLarge() {
        assertThrows(TooLarge.class, () -> appends.declareLength(id, token, 1001));
        assertThrows(TooLarge.class, () -> appends.append(new AppendCommand(id, token, 0,
                new ByteArrayInputStream(new byte[0]), 1001, Optional.empty(), Optional.empty())));
    }

    @Test
    void whileTheLengthIsDeferred_theUploadCannotComplete_norTakeChunks() {
        append(0, 8);
        assertThrows(Incomplete.class, () -> service.complete(id, token));
        assertThrows(NotActive.class, () -> service.acceptChunk(id, token, 1, new ByteArrayInputStream(new byte[16]),
                16, ClientDigests.NONE));
    }

    private AppendStatus append(int from, int to) {
        byte[] bytes = Arrays.copyOfRange(FILE, from, to);
        return appends.append(new AppendCommand(id, token, from, new ByteArrayInputStream(bytes), bytes.length,
                Optional.empty(), Optional.empty()));
    }
}

package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException;
import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.OffsetConflict;
import dev.largeupload.domain.error.UploadException.TooLarge;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.InMemoryPieceStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase.AppendStatus;
import dev.largeupload.domain.usecase.BodyChecksum;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The append rule: offsets at byte precision over blocks of 4 bytes (a 40-byte file, chunks of 16): appends may
 * start and end anywhere, an append ending inside a block keeps its bytes as a piece, one at the wrong offset
 * or with a wrong checksum changes nothing, one cut off keeps every whole block.
 */
class AppendServiceTest {

    private static final byte[] FILE = new byte[40];

    static {
        for (int i = 0; i < FILE.length; i++) {
            FILE[i] = (byte) ('a' + i % 26);
        }
    }

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryPieceStore pieces = new InMemoryPieceStore();
    private final UploadPolicy policy =
            new UploadPolicy(16, 1000, 1000, Duration.ofHours(1), true, Duration.ofMinutes(5), 0, Duration.ofDays(1), 4);
    private final UploadService service = new UploadService(metadata, blobs, policy, clock);
    private final AppendService appends = new AppendService(metadata, blobs, pieces, service, policy, clock,
            Executors.newCachedThreadPool());
    private final Initiated upload = appends.start(
            new InitiateRequest("append.bin", FILE.length, OptionalLong.empty(), Optional.empty(), Optional.empty()),
            "filename YXBwZW5kLmJpbg==,kind Zm9v");
    private final UploadId id = upload.session().id();

    @Test
    void start_keepsTheLabels_andTheOffsetIsZero() {
        AppendStatus status = appends.appendStatus(id, upload.uploadToken());
        assertEquals(0, status.offset());
        assertEquals("filename YXBwZW5kLmJpbg==,kind Zm9v", status.labels());
    }

    @Test
    void appendsShorterThanABlock_advanceTheOffsetByteByByte_andTheFileIsByteExact() {
        int[] cuts = {3, 5, 6, 13, 14, 31, 40};
        int at = 0;
        for (int cut : cuts) {
            assertEquals(cut, append(at, slice(at, cut)).offset());
            assertEquals(cut, appends.appendStatus(id, upload.uploadToken()).offset(), "the offset a later read reports");
            at = cut;
        }
        service.complete(id, upload.uploadToken());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
        assertTrue(pieces.size() <= 1, "pieces of whole blocks are discarded; " + pieces.size() + " left");
    }

    @Test
    void anAppendEndingInsideABlock_recordsTheWholeBlocksBeforeIt_andAPieceOfTheRest() {
        assertEquals(10, append(0, slice(0, 10)).offset());
        var session = service.status(id);
        assertEquals(8, session.receivedBytes(), "blocks 0 and 1 are whole");
        assertEquals(1, pieces.size(), "bytes 8-9 are a piece of block 2");
    }

    @Test
    void anAppendAtTheWrongOffset_isAConflict_andChangesNothing() {
        append(0, slice(0, 6));
        OffsetConflict conflict = assertThrows(OffsetConflict.class, () -> append(4, slice(4, 10)));
        assertEquals(6, conflict.durableOffset());
        assertEquals("upload.offset-conflict", conflict.code());
        assertThrows(OffsetConflict.class, () -> append(8, slice(8, 10)));
        assertEquals(6, appends.appendStatus(id, upload.uploadToken()).offset());
        assertEquals(4, service.status(id).receivedBytes());
    }

    @Test
    void aBodyCutOff_keepsEveryWholeBlockThatArrived() {
        append(0, slice(0, 2));
        assertThrows(TransferInterrupted.class, () -> appends.append(command(2, new CutOffBody(slice(2, 40), 13), 38,
                Optional.empty())));
        assertEquals(12, appends.appendStatus(id, upload.uploadToken()).offset(), "bytes 0-11: blocks 0-2 (the first from the piece)");
        append(12, slice(12, 40));
        service.complete(id, upload.uploadToken());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void aWrongChecksum_keepsNothingOfTheBody() throws Exception {
        append(0, slice(0, 3));
        byte[] wrong = MessageDigest.getInstance("SHA-1").digest(slice(0, 9));
        assertThrows(ChecksumMismatch.class, () -> appends.append(command(3, new ByteArrayInputStream(slice(3, 13)), 10,
                Optional.of(new BodyChecksum("sha1", wrong)))));
        assertEquals(3, appends.appendStatus(id, upload.uploadToken()).offset());
        assertEquals(0, service.status(id).receivedBytes());

        byte[] right = MessageDigest.getInstance("SHA-256").digest(slice(3, 13));
        assertEquals(13, appends.append(command(3, new ByteArrayInputStream(slice(3, 13)), 10,
                Optional.of(new BodyChecksum("sha256", right)))).offset());
    }

    @Test
    void aChecksumInATrailer_isCheckedOnceTheBodyWasRead() throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest(slice(0, 7));
        Supplier<Optional<BodyChecksum>> wrongTrailer = () -> Optional.of(new BodyChecksum("md5", new byte[16]));
        assertThrows(ChecksumMismatch.class, () -> appends.append(new AppendCommand(id, upload.uploadToken(), 0,
                new ByteArrayInputStream(slice(0, 7)), -1, Optional.empty(), Optional.of(wrongTrailer))));
        assertEquals(0, appends.appendStatus(id, upload.uploadToken()).offset());
        Supplier<Optional<BodyChecksum>> trailer = () -> Optional.of(new BodyChecksum("md5", md5));
        assertEquals(7, appends.append(new AppendCommand(id, upload.uploadToken(), 0,
                new ByteArrayInputStream(slice(0, 7)), -1, Optional.empty(), Optional.of(trailer))).offset(),
                "a body of unknown length keeps every byte once its checksum matched");
    }

    @Test
    void aBodyOfUnknownLength_keepsEveryByte_whereverItEnds() {
        append(0, slice(0, 2));
        assertEquals(3, unknownLength(2, slice(2, 3)).offset(), "ended inside the block it started in");
        assertEquals(10, unknownLength(3, slice(3, 10)).offset(), "completed that block, ended inside another");
        assertEquals(12, unknownLength(10, slice(10, 12)).offset(), "ended on a block boundary");
        assertEquals(12, unknownLength(12, new byte[0]).offset(), "an empty body changes nothing");
        assertEquals(40, unknownLength(12, slice(12, 40)).offset());
        service.complete(id, upload.uploadToken());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
        assertEquals(0, pieces.size(), "no piece outlives the blocks it was staged as");
    }

    @Test
    void aBodyOfUnknownLength_thatBreaksOff_keepsTheWholeBlocksBeforeTheBreak_andTheOldPiece() {
        append(0, slice(0, 2));
        assertThrows(TransferInterrupted.class, () -> appends.append(command(2, new CutOffBody(slice(2, 11), 7), -1,
                Optional.empty())));
        assertEquals(8, appends.appendStatus(id, upload.uploadToken()).offset(), "blocks 0 and 1 were whole");
        assertEquals(40, unknownLength(8, slice(8, 40)).offset());
        service.complete(id, upload.uploadToken());
        assertArrayEquals(FILE, blobs.committedBytes(upload.session().blobName()).orElseThrow());
    }

    @Test
    void anEmptyAppendAtTheEndOfACompletedUpload_answersItsLength_andAnyOtherIsRefused() {
        append(0, FILE);
        service.complete(id, upload.uploadToken());
        assertEquals(40, append(40, new byte[0]).offset());
        assertEquals(40, unknownLength(40, new byte[0]).offset(), "a chunked empty body, as tus-java-client ends");
        assertThrows(NotActive.class, () -> unknownLength(40, new byte[1]));
        assertThrows(NotActive.class, () -> append(36, slice(36, 40)));
    }

    @Test
    void anAppendPastTheEndOfTheFile_isTooLarge() {
        assertThrows(TooLarge.class, () -> appends.append(command(0, new ByteArrayInputStream(new byte[41]), 41,
                Optional.empty())));
        assertThrows(TooLarge.class, () -> unknownLength(0, new byte[41]));
    }

    @Test
    void aDirectUpload_takesNoAppend_andNothingIsStaged() {
        Initiated direct = metadataBackedDirect();
        UploadException.WrongTransfer refused = assertThrows(UploadException.WrongTransfer.class,
                () -> appends.append(new AppendCommand(direct.session().id(), direct.uploadToken(), 0,
                        new ByteArrayInputStream(slice(0, 3)), 3, Optional.empty(), Optional.empty())));
        assertEquals("upload.not-proxy", refused.code());
        assertFalse(blobs.holdsAnything(direct.session().blobName()));
    }

    /** A direct upload, as a server with direct transfers creates it, in this test's stores. */
    private Initiated metadataBackedDirect() {
        UploadService withDirect = new UploadService(metadata, blobs, policy, clock,
                Optional.of(new dev.largeupload.domain.fakes.InMemoryDirectTransfers(blobs)));
        return withDirect.initiate(new InitiateRequest("d.bin", FILE.length, OptionalLong.empty(), Optional.empty(),
                Optional.empty(), false, dev.largeupload.domain.model.TransferMode.DIRECT));
    }

    @Test
    void withoutTheToken_theUploadDoesNotExist() {
        assertThrows(NotFound.class, () -> appends.append(new AppendCommand(id, "wrong", 0,
                new ByteArrayInputStream(slice(0, 3)), 3, Optional.empty(), Optional.empty())));
    }

    @Test
    void aSecondAppendWhileOneStreams_isAConflict() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream held = new InputStream() {
            private int position;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position == 2) {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (position == 6) {
                    return -1;
                }
                int n = Math.min(length, position < 2 ? 2 - position : 6 - position);
                System.arraycopy(FILE, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
        CompletableFuture<AppendStatus> first = CompletableFuture.supplyAsync(
                () -> appends.append(command(0, held, 6, Optional.empty())));
        started.await();
        OffsetConflict busy = assertThrows(OffsetConflict.class, () -> append(0, slice(0, 6)));
        assertEquals("upload.offset-conflict", busy.code());
        release.countDown();
        assertEquals(6, first.get().offset());
    }

    private AppendStatus append(long offset, byte[] bytes) {
        return appends.append(command(offset, new ByteArrayInputStream(bytes), bytes.length, Optional.empty()));
    }

    private AppendStatus unknownLength(long offset, byte[] bytes) {
        return appends.append(command(offset, new ByteArrayInputStream(bytes), -1, Optional.empty()));
    }

    private AppendCommand command(long offset, InputStream body, long length, Optional<BodyChecksum> checksum) {
        return new AppendCommand(id, upload.uploadToken(), offset, body, length, checksum, Optional.empty());
    }

    private static byte[] slice(int from, int to) {
        return Arrays.copyOfRange(FILE, from, to);
    }

    private static final class CutOffBody extends InputStream {
        private final byte[] bytes;
        private final int cut;
        private int position;

        CutOffBody(byte[] bytes, int cut) {
            this.bytes = bytes;
            this.cut = cut;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= cut) {
                throw new IOException("connection reset");
            }
            int n = Math.min(length, cut - position);
            System.arraycopy(bytes, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}

package dev.largeupload.domain.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.Forbidden;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotConcatenable;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.InMemoryPieceStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase.ConcatenateCommand;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase.Concatenated;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase.PartRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Concatenations over parts appended by offset (blocks of 4 bytes): made without a byte written, read back
 * byte-exact by any range, found again when asked again, refused (creating nothing) for a part that is missing,
 * incomplete, not a part or claimed already, and owning their parts (deleted with them, never on their own).
 */
class ConcatenationServiceTest {

    private final MutableClock clock = MutableClock.atFixedStart();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final UploadPolicy policy =
            new UploadPolicy(16, 1000, 1000, Duration.ofHours(1), true, Duration.ofMinutes(5), 0, Duration.ofDays(1), 4);
    private final UploadService service = new UploadService(metadata, blobs, policy, clock);
    private final AppendService appends = new AppendService(metadata, blobs, new InMemoryPieceStore(), service, policy,
            clock, Executors.newCachedThreadPool());
    private final ConcatenationService concatenations = new ConcatenationService(metadata, service, clock);

    @Test
    void theConcatenationOfCompleteParts_isCompleteAtOnce_readsTheirBytesInOrder_andWroteNoByte() throws IOException {
        Initiated a = completePart("abcdefghij");
        Initiated b = completePart("KLMNOPQ");
        Initiated c = completePart("");
        int commits = blobs.commitCalls();
        Concatenated whole = concatenations.concatenate(command(a, b, c));

        assertTrue(whole.createdNow());
        assertEquals(UploadState.COMPLETED, whole.session().state());
        assertEquals(17, whole.session().plan().fileSize());
        assertEquals(commits, blobs.commitCalls(), "no blob committed for the concatenation");
        assertFalse(blobs.holdsAnything(BlobName.of(whole.session().id())), "no byte stored under the concatenation");
        Download download = service.download(whole.session().id());
        assertEquals("abcdefghijKLMNOPQ", read(download.open(0, 17)));
        assertEquals("hijKL", read(download.open(7, 5)), "a range across two parts");
        assertEquals("", read(download.open(17, 0)));
        assertEquals(17, appends.appendStatus(whole.session().id(), whole.token()).offset());
        assertTrue(appends.appendStatus(whole.session().id(), whole.token()).concatenation().isConcatenation());
    }

    @Test
    void askingAgainForTheSameParts_findsTheSameConcatenation() {
        Initiated a = completePart("abc");
        Initiated b = completePart("def");
        Concatenated first = concatenations.concatenate(command(a, b));
        Concatenated again = concatenations.concatenate(command(a, b));
        assertEquals(first.session().id(), again.session().id());
        assertEquals(first.token(), again.token());
        assertFalse(again.createdNow());
    }

    @Test
    void aPartMissingIncompleteNotAPartOrWithAWrongToken_isRefused_andNothingIsCreated() {
        Initiated a = completePart("abc");
        Initiated open = part("defg");
        appends.append(append(open, 0, "de"));
        Initiated plain = appends.start(request(3), "");
        appendAll(plain, "xyz");
        int sessions = metadata.countActive(clock.instant());

        assertThrows(NotConcatenable.class, () -> concatenations.concatenate(command(a, open)));
        assertThrows(NotConcatenable.class, () -> concatenations.concatenate(command(a, plain)));
        assertThrows(NotFound.class, () -> concatenations.concatenate(new ConcatenateCommand(List.of(
                new PartRef(a.session().id(), a.uploadToken()), new PartRef(UploadId.random(), "x")), "f", Optional.empty(), "")));
        assertThrows(NotFound.class, () -> concatenations.concatenate(new ConcatenateCommand(List.of(
                new PartRef(a.session().id(), "not-its-token")), "f", Optional.empty(), "")));
        assertThrows(NotConcatenable.class, () -> concatenations.concatenate(command(a, a)));
        assertEquals(sessions, metadata.countActive(clock.instant()), "no upload was created");
        assertTrue(metadata.find(ConcatenationService.derivedId(List.of(a.session().id(), open.session().id()))).isEmpty());
    }

    @Test
    void aPartClaimedByOneConcatenation_isRefusedToAnother() {
        Initiated a = completePart("abc");
        Initiated b = completePart("def");
        Initiated c = completePart("ghi");
        concatenations.concatenate(command(a, b));
        assertThrows(NotActive.class, () -> concatenations.concatenate(command(b, c)));
        assertTrue(metadata.find(ConcatenationService.derivedId(List.of(b.session().id(), c.session().id()))).isEmpty());
    }

    @Test
    void aConcatenationTakesNoAppend_itsPartsAreNeitherDownloadedNorDeletedOnTheirOwn_andGoWithIt() {
        Initiated a = completePart("abcd");
        Initiated b = completePart("ef");
        Concatenated whole = concatenations.concatenate(command(a, b));
        UploadId id = whole.session().id();

        assertThrows(Forbidden.class, () -> appends.append(new AppendCommand(id, whole.token(), 6,
                new ByteArrayInputStream(new byte[1]), 1, Optional.empty(), Optional.empty())));
        assertThrows(Forbidden.class, () -> service.download(a.session().id()));
        assertThrows(Forbidden.class, () -> service.abort(a.session().id(), a.uploadToken()));

        service.abort(id, whole.token());
        assertTrue(metadata.find(id).isEmpty());
        assertTrue(metadata.find(a.session().id()).isEmpty(), "its parts went with it");
        assertFalse(blobs.holdsAnything(BlobName.of(a.session().id())));
        assertFalse(blobs.holdsAnything(BlobName.of(b.session().id())));
    }

    @Test
    void aConcatenationWhoseMakingStoppedAfterItsCreation_isFinishedWhenAskedAgain() {
        Initiated a = completePart("abc");
        Initiated b = completePart("de");
        ConcatenateCommand command = command(a, b);
        UploadId id = ConcatenationService.derivedId(List.of(a.session().id(), b.session().id()));
        // A server stopped right after creating the session: no append state names its parts, none is claimed.
        service.initiate(request(5), id, ConcatenationService.derivedToken(id, command.parts()));

        Concatenated whole = concatenations.concatenate(command);
        assertEquals(id, whole.session().id());
        assertEquals(UploadState.COMPLETED, whole.session().state());
        assertTrue(appends.appendStatus(id, whole.token()).concatenation().isConcatenation());
    }

    @Test
    void deletingAConcatenation_deletesOnlyThePartsItClaimed() {
        Initiated a = completePart("abc");
        Initiated b = completePart("de");
        Concatenated other = concatenations.concatenate(command(b));
        Initiated stuck = appends.start(request(5), "");
        metadata.replaceAppendState(stuck.session().id(), 1, new dev.largeupload.domain.port.AppendState(2, "",
                Optional.empty(), dev.largeupload.domain.model.Concatenation.of(List.of(a.session().id(), b.session().id()))));

        service.abort(stuck.session().id(), stuck.uploadToken());
        assertTrue(metadata.find(a.session().id()).isPresent(), "a part it never claimed stays");
        assertTrue(metadata.find(b.session().id()).isPresent(), "another concatenation's part stays");
        assertEquals("de", new String(blobs.committedBytes(BlobName.of(b.session().id())).orElseThrow(),
                java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(UploadState.COMPLETED, metadata.find(other.session().id()).orElseThrow().state());
    }

    @Test
    void anUnclaimedPart_isDeletedLikeAnyUpload() {
        Initiated a = completePart("abcd");
        service.abort(a.session().id(), a.uploadToken());
        assertTrue(metadata.find(a.session().id()).isEmpty());
    }

    private Initiated part(String bytes) {
        return concatenations.startPart(request(bytes.length()), "filename cGFydA==");
    }

    private Initiated completePart(String bytes) {
        Initiated part = part(bytes);
        appendAll(part, bytes);
        return part;
    }

    private void appendAll(Initiated upload, String bytes) {
        if (!bytes.isEmpty()) {
            appends.append(append(upload, 0, bytes));
        }
        service.complete(upload.session().id(), upload.uploadToken());
    }

    private static AppendCommand append(Initiated upload, long offset, String bytes) {
        byte[] body = bytes.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return new AppendCommand(upload.session().id(), upload.uploadToken(), offset, new ByteArrayInputStream(body),
                body.length, Optional.empty(), Optional.empty());
    }

    private static InitiateRequest request(long size) {
        return new InitiateRequest("part.bin", size, OptionalLong.empty(), Optional.empty(), Optional.empty());
    }

    private static ConcatenateCommand command(Initiated... parts) {
        return new ConcatenateCommand(java.util.Arrays.stream(parts)
                .map(p -> new PartRef(p.session().id(), p.uploadToken())).toList(), "whole.bin", Optional.empty(), "");
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}

package dev.largeupload.domain.usecase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.fakes.InMemoryBlobStore;
import dev.largeupload.domain.fakes.InMemoryMetadataStore;
import dev.largeupload.domain.fakes.MutableClock;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.service.ClientDigests;
import dev.largeupload.domain.service.CompletionRequest;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.service.UploadPolicy;
import dev.largeupload.domain.service.UploadService;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * An upload driven only through the use-case interfaces, as an edge drives it: every value of each
 * command reaches the service (a wrong length, token or digest in a command is refused as it would
 * be given directly).
 */
class UseCasesTest {

    private static final byte[] FILE = "0123456789".getBytes(StandardCharsets.US_ASCII);

    private final UploadService service = new UploadService(new InMemoryMetadataStore(), new InMemoryBlobStore(),
            new UploadPolicy(4, 1000, Duration.ofHours(1), true, Duration.ofMinutes(5)), MutableClock.atFixedStart());
    private final InitiateUploadUseCase initiation = service;
    private final AcceptChunkUseCase chunks = service;
    private final CompleteUploadUseCase completion = service;
    private final UploadStatusUseCase statuses = service;
    private final ResumeUploadUseCase resumption = service;
    private final DownloadUseCase downloads = service;
    private final AbortUploadUseCase deletion = service;

    private Initiated start() {
        return initiation.initiate(new InitiateRequest("data.bin", FILE.length, OptionalLong.empty(), Optional.empty(),
                Optional.empty()));
    }

    private static byte[] chunk(int index) {
        return Arrays.copyOfRange(FILE, index * 4, Math.min(FILE.length, index * 4 + 4));
    }

    private AcceptChunkCommand command(Initiated upload, String token, int index, long declaredLength) {
        return new AcceptChunkCommand(upload.session().id(), token, index, new ByteArrayInputStream(chunk(index)),
                declaredLength, ClientDigests.NONE);
    }

    @Test
    void aWholeUpload_throughTheInterfaces_completesAndDownloadsByteExact() throws Exception {
        Initiated upload = start();
        UploadId id = upload.session().id();
        List<Sha256> digests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            digests.add(chunks.acceptChunk(command(upload, upload.uploadToken(), i, chunk(i).length)).sha256().orElseThrow());
        }
        assertEquals(List.of(), resumption.resume(id).missingChunks());

        Completed done = completion.complete(new CompleteUploadCommand(id, upload.uploadToken(),
                new CompletionRequest(Optional.empty(), Optional.of(Sha256.composite(digests)))));

        assertEquals(UploadState.COMPLETED, done.session().state());
        assertEquals(UploadState.COMPLETED, statuses.status(id).state());
        try (InputStream in = downloads.download(id).open(0, FILE.length)) {
            assertArrayEquals(FILE, in.readNBytes(FILE.length + 1));
        }
        assertEquals(UploadState.COMPLETED, deletion.abort(new AbortUploadCommand(id, upload.uploadToken())).state());
        assertThrows(NotFound.class, () -> statuses.status(id));
    }

    @Test
    void acceptChunkCommand_withAWrongDeclaredLength_isRefusedBeforeAnythingIsRecorded() {
        Initiated upload = start();

        assertThrows(ChunkLengthMismatch.class, () -> chunks.acceptChunk(command(upload, upload.uploadToken(), 0, 3)));
        assertEquals(List.of(0, 1, 2), resumption.resume(upload.session().id()).missingChunks());
    }

    @Test
    void commands_withAnotherToken_areRefusedAsNotFound() {
        Initiated upload = start();
        UploadId id = upload.session().id();

        assertThrows(NotFound.class, () -> chunks.acceptChunk(command(upload, "not-the-token", 0, 4)));
        assertThrows(NotFound.class,
                () -> completion.complete(new CompleteUploadCommand(id, "not-the-token", CompletionRequest.NONE)));
        assertThrows(NotFound.class, () -> deletion.abort(new AbortUploadCommand(id, "not-the-token")));
        assertEquals(UploadState.ACTIVE, statuses.status(id).state());
    }

    @Test
    void completeCommand_withAWrongComposite_commitsNothing() throws Exception {
        Initiated upload = start();
        UploadId id = upload.session().id();
        for (int i = 0; i < 3; i++) {
            chunks.acceptChunk(command(upload, upload.uploadToken(), i, -1));
        }
        Sha256 wrong = Sha256.of(MessageDigest.getInstance("SHA-256").digest(FILE));
        CompleteUploadCommand command = new CompleteUploadCommand(id, upload.uploadToken(),
                new CompletionRequest(Optional.empty(), Optional.of(wrong)));

        assertThrows(ChecksumMismatch.class, () -> completion.complete(command));
        assertEquals(UploadState.ACTIVE, statuses.status(id).state());
    }
}

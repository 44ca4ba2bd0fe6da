package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.web.edge.rest.Dtos.PartialChunk;
import dev.largeupload.web.edge.rest.Dtos.ResumeResponse;
import dev.largeupload.web.edge.rest.Dtos.StatusResponse;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Shapes an upload into the Python service's status and resume answers. */
final class Views {

    private Views() {
    }

    static StatusResponse status(UploadSession s) {
        return new StatusResponse(s.id().value(), s.fileName().value(), s.contentType(), s.plan().fileSize(),
                s.plan().chunkSize(), s.plan().chunkCount(), s.receivedCount(), s.receivedBytes(), blockIds(s),
                s.progressPercentage(), s.state() == UploadState.COMPLETED, state(s), iso(s.updatedAt()),
                iso(s.createdAt()), iso(s.expiresAt()), s.plan().blockSize(), s.receivedBytes(), partialChunks(s));
    }

    static ResumeResponse resume(UploadSession s) {
        List<Integer> missing = s.missingChunks();
        String message = switch (s.state()) {
            case COMPLETED -> "Upload already completed";
            case ACTIVE -> missing.isEmpty() ? "All chunks received; complete the upload"
                    : "Upload resumed: send the " + missing.size() + " missing chunk(s)";
            default -> "Upload is " + state(s);
        };
        return new ResumeResponse(s.id().value(), s.fileName().value(), s.plan().fileSize(), s.plan().chunkSize(),
                s.plan().chunkCount(), s.receivedCount(), blockIds(s), missing, s.receivedBytes(),
                s.progressPercentage(), s.state() == UploadState.COMPLETED, state(s), message, s.plan().blockSize(),
                s.receivedBytes(), partialChunks(s));
    }

    static String iso(Instant instant) {
        return instant.toString();
    }

    private static String state(UploadSession s) {
        return s.state().name().toLowerCase(Locale.ROOT);
    }

    private static List<PartialChunk> partialChunks(UploadSession s) {
        return s.partialChunks().stream().map(p -> new PartialChunk(p.chunkIndex(), p.receivedBytes())).toList();
    }

    private static List<String> blockIds(UploadSession s) {
        return s.receivedChunks().stream().map(i -> BlockId.of(i).value()).toList();
    }
}

package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.web.edge.rest.Dtos.Verification;
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
                iso(s.createdAt()), iso(s.expiresAt()), s.plan().blockSize(), s.receivedBytes(), partialChunks(s),
                s.transfer().wireName(), verification(s.transfer(), true, false));
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
                s.receivedBytes(), partialChunks(s), s.transfer().wireName(), verification(s.transfer(), true, false));
    }

    /**
     * Who verifies what: in proxy mode this server hashes every block (SHA-256, and checks a Content-MD5 sent),
     * so the composite digest is its own; in direct mode Azure checks each block's Content-MD5 and this server
     * sees no byte, so it has no block digest and no composite, and a whole-file SHA-256 is this server's only
     * when it read the committed file back ({@code sha256Verified}).
     */
    static Verification verification(TransferMode transfer, boolean compositeKnown, boolean sha256Verified) {
        String sha256 = sha256Verified ? "server" : "none";
        return transfer == TransferMode.DIRECT ? new Verification("azure", "none", "none", sha256)
                : new Verification("server", "server", compositeKnown ? "server" : "none", sha256);
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

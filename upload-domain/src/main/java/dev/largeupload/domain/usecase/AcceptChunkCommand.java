package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.service.ClientDigests;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * One chunk, or a part of one made of whole blocks, to accept. Values are as the edge parsed them; {@link AcceptChunkUseCase} checks what they mean.
 *
 * @param id             the upload
 * @param token          the upload token the client presented, or {@code null} when it sent none
 * @param index          the chunk's index in the upload's plan
 * @param body           the chunk's bytes, read once, as they arrive
 * @param declaredLength the length the request announced, or -1 when it announced none
 * @param digests        the client's digests of the request's body, checked while it streams in
 * @param range          the part of the chunk the body is, when the request gave one ({@code Content-Range});
 *                       empty for the whole chunk
 */
public record AcceptChunkCommand(UploadId id, String token, long index, InputStream body, long declaredLength,
                                 ClientDigests digests, Optional<ChunkRange> range) {

    public AcceptChunkCommand {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(digests, "digests");
        Objects.requireNonNull(range, "range");
    }

    /** A whole chunk. */
    public AcceptChunkCommand(UploadId id, String token, long index, InputStream body, long declaredLength,
                              ClientDigests digests) {
        this(id, token, index, body, declaredLength, digests, Optional.empty());
    }
}

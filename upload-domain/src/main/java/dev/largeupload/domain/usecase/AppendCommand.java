package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bytes to append to an upload at a byte offset (a tus {@code PATCH}). Values are as the edge parsed them;
 * {@link AppendUploadUseCase} checks what they mean.
 *
 * @param id             the upload
 * @param token          the upload token the client presented, or {@code null} when it sent none
 * @param offset         where the body starts in the file: must be the upload's durable offset
 * @param body           the bytes, read once, as they arrive
 * @param declaredLength the body's length as the request announced it, or -1 when it announced none
 * @param checksum       the client's digest of the body, known before it (a header)
 * @param trailer        when the digest may follow the body (an HTTP trailer): what gives it once the body was
 *                       read whole; the body is then kept all or nothing, as with {@code checksum}
 */
public record AppendCommand(UploadId id, String token, long offset, InputStream body, long declaredLength,
                            Optional<BodyChecksum> checksum, Optional<Supplier<Optional<BodyChecksum>>> trailer) {

    public AppendCommand {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(trailer, "trailer");
    }
}

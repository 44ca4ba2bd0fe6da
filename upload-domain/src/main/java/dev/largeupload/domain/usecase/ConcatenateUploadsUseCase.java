package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Uploads made of other uploads, as tus's concatenation extension makes them: start <b>parts</b> (appended to like
 * any upload by offset), then, once they are complete, a <b>concatenation</b> of them, whose bytes are the parts'
 * bytes in order. No byte is copied: a concatenation reads its parts' committed files.
 */
public interface ConcatenateUploadsUseCase {

    /** Starts an upload that will be a part of a concatenation, keeping {@code labels} with it. */
    Initiated startPart(InitiateRequest request, String labels);

    /**
     * The concatenation of the command's parts, each of which must be a complete part that its token opens and
     * that no other concatenation claimed. Asking again for the same parts in the same order, with the same
     * tokens, answers the same concatenation (its id and token derive from theirs), so a client may repeat the
     * request after a lost answer. Nothing is created when a part is refused.
     *
     * @throws dev.largeupload.domain.error.UploadException.NotFound if a part does not exist or its token is not its own
     * @throws dev.largeupload.domain.error.UploadException.NotConcatenable if a part is not one, or not complete
     * @throws dev.largeupload.domain.error.UploadException.NotActive if another concatenation claimed a part
     * @throws dev.largeupload.domain.error.UploadException.TooLarge if the parts together exceed the largest file
     */
    Concatenated concatenate(ConcatenateCommand command);

    /** A part named by a concatenation: its id and the token its holder presented ({@code null} when none). */
    record PartRef(UploadId id, String token) {
        public PartRef {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * What a concatenation is asked for.
     *
     * @param parts       the parts, in the order of their bytes in the file
     * @param fileName    the display name of the file
     * @param contentType its media type, or empty for {@code application/octet-stream}
     * @param labels      the labels kept with it (opaque to the domain)
     */
    record ConcatenateCommand(List<PartRef> parts, String fileName, Optional<String> contentType, String labels) {
        public ConcatenateCommand {
            parts = List.copyOf(parts);
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(labels, "labels");
        }
    }

    /** A completed concatenation, its token, and whether this call created it (or found it made before). */
    record Concatenated(UploadSession session, String token, boolean createdNow) {
    }
}

package dev.largeupload.domain.usecase;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.service.UploadListing.Listed;
import dev.largeupload.domain.service.UploadListing.Page;
import java.util.Map;
import java.util.Optional;

/** "My uploads": a signed-in caller's uploads, or those whose tokens an anonymous caller presents, newest first. */
public interface ListUploadsUseCase {

    /** The uploads of a signed-in {@code caller} (every upload for an administrator). */
    Page mine(Caller caller, Optional<Listed> state, Optional<ListPosition> after, int limit);

    /** Exactly the uploads whose ids and tokens {@code presented} holds. */
    Page presented(Map<UploadId, String> presented, Optional<Listed> state, Optional<ListPosition> after, int limit);
}

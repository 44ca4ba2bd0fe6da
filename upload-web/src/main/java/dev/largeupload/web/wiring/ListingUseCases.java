package dev.largeupload.web.wiring;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.service.UploadListing;
import dev.largeupload.domain.service.UploadListing.Listed;
import dev.largeupload.domain.service.UploadListing.Page;
import dev.largeupload.domain.usecase.ListUploadsUseCase;
import dev.largeupload.web.observe.ConfiguredStores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ListUploadsUseCase} as a CDI bean, on the configured metadata store itself: the listing filters by owner
 * and token on its own, so it needs no caller-scoped view.
 */
@ApplicationScoped
public class ListingUseCases implements ListUploadsUseCase {

    @Inject
    ConfiguredStores stores;

    private volatile UploadListing listing;

    private UploadListing listing() {
        UploadListing current = listing;
        if (current == null) {
            current = new UploadListing(stores.metadata(), Clock.systemUTC());
            listing = current;
        }
        return current;
    }

    @Override
    public Page mine(Caller caller, Optional<Listed> state, Optional<ListPosition> after, int limit) {
        return listing().mine(caller, state, after, limit);
    }

    @Override
    public Page presented(Map<UploadId, String> presented, Optional<Listed> state, Optional<ListPosition> after,
                          int limit) {
        return listing().presented(presented, state, after, limit);
    }
}

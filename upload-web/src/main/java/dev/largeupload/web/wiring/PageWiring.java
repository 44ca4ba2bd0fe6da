package dev.largeupload.web.wiring;

import dev.largeupload.azure.AzureBlobStore;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.web.config.TransferModes;
import dev.largeupload.web.observe.ConfiguredStores;
import dev.largeupload.web.page.PagePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The page's {@link PagePolicy}: with direct transfers offered, the page may also connect to the Azure blob
 * endpoint it stages blocks at; otherwise to its own origin only.
 */
@ApplicationScoped
public class PageWiring {

    @Inject
    TransferModes transferModes;

    @Inject
    ConfiguredStores stores;

    @Produces
    public PagePolicy pagePolicy() {
        if (transferModes.wireNames().contains(TransferMode.DIRECT.wireName()) && stores.blobs() instanceof AzureBlobStore azure) {
            return new PagePolicy(List.of(azure.endpointOrigin()));
        }
        return PagePolicy.selfOnly();
    }
}

package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.web.edge.rest.Dtos.ConfigResponse;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.config.TransferModes;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.domain.port.OwnerUsage;
import dev.largeupload.web.auth.CurrentCaller;
import dev.largeupload.web.auth.SignIn;
import dev.largeupload.web.edge.rest.Dtos.QuotaView;
import dev.largeupload.web.edge.rest.Dtos.SignInView;
import dev.largeupload.web.observe.ConfiguredStores;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What a client needs to know before it uploads: chunk size, limits, concurrency, token rules. */
@Path("/config")
@RequestScoped
public class ConfigResource {

    @Inject
    ServerSettings settings;

    @Inject
    TransferModes transfers;

    @Inject
    SignIn signIn;

    @Inject
    ConfiguredStores stores;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ConfigResponse config() {
        return new ConfigResponse(settings.chunkSize(), settings.maxFileSize(), settings.maxConcurrentChunks(),
                settings.limits().maxChunkSize(), ChunkPlan.MAX_BLOCKS, settings.requireUploadToken(),
                RequestValues.TOKEN_HEADER, settings.uploadTtl().toSeconds(), List.of("Content-MD5", "Content-Digest"),
                settings.limits().maxActiveUploads(), settings.limits().minBlockSize(), transfers.wireNames(),
                settings.limits().directSasTtl().toSeconds(), signInView(), quotaView());
    }

    private SignInView signInView() {
        Caller caller = CurrentCaller.orAnonymous();
        return new SignInView(signIn.enabled(), caller.subject().orElse(null), caller.isSignedIn() ? caller.admin() : null);
    }

    private QuotaView quotaView() {
        OwnerQuota quota = signIn.quota();
        Optional<String> subject = CurrentCaller.orAnonymous().subject();
        if (subject.isEmpty()) {
            return new QuotaView(quota.maxUploads(), quota.maxBytes(), null, null);
        }
        OwnerUsage usage = stores.metadata().usageOf(subject.get(), Instant.now());
        return new QuotaView(quota.maxUploads(), quota.maxBytes(), usage.uploads(), usage.bytes());
    }
}

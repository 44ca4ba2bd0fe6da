package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.web.edge.rest.Dtos.ConfigResponse;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.config.TransferModes;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ConfigResponse config() {
        return new ConfigResponse(settings.chunkSize(), settings.maxFileSize(), settings.maxConcurrentChunks(),
                settings.limits().maxChunkSize(), ChunkPlan.MAX_BLOCKS, settings.requireUploadToken(),
                RequestValues.TOKEN_HEADER, settings.uploadTtl().toSeconds(), List.of("Content-MD5", "Content-Digest"),
                settings.limits().maxActiveUploads(), settings.limits().minBlockSize(), transfers.wireNames(),
                settings.limits().directSasTtl().toSeconds());
    }
}

package dev.largeupload.web.edge.rest;

import static dev.largeupload.web.http.RequestValues.TOKEN_HEADER;

import dev.largeupload.domain.service.Results.BlockTarget;
import dev.largeupload.domain.service.Results.ChunkTargets;
import dev.largeupload.domain.usecase.StagingTargetCommand;
import dev.largeupload.domain.usecase.StagingTargetUseCase;
import dev.largeupload.web.edge.rest.Dtos.TargetResponse;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The staging targets of a direct upload ({@code "transfer": "direct"} at init): {@code POST
 * /api/upload/{id}/chunks/{index}/target} with the upload's token answers one Put Block URL per block of the chunk,
 * each with a short-lived SAS for that one blob, write only. The answer is a credential: it is never cached
 * ({@code Cache-Control: no-store}) and never logged (the access log records the request line, which holds none).
 */
@Path("/upload")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TargetResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    @Inject
    StagingTargetUseCase targets;

    @POST
    @Path("/{id}/chunks/{index}/target")
    public Response target(@PathParam("id") String id, @PathParam("index") String index,
                           @HeaderParam(TOKEN_HEADER) String token) {
        ChunkTargets chunk = targets.target(new StagingTargetCommand(RequestValues.uploadId(id), token,
                RequestValues.chunkIndex(index)));
        BlockTarget first = chunk.blocks().get(0);
        long chunkStart = first.offset();
        List<Dtos.BlockTarget> blocks = chunk.blocks().stream().map(b -> new Dtos.BlockTarget(b.blockIndex(),
                b.blockId().value(), b.offset(), b.offset() - chunkStart, b.length(), b.target().url())).toList();
        TargetResponse answer = new TargetResponse(chunk.session().id().value(), chunk.chunk(), first.target().method(),
                first.target().url(), first.target().headers(), Views.iso(first.target().expiresAt()),
                chunk.session().plan().blockSize(), blocks);
        return Response.ok(answer).cacheControl(NO_STORE).build();
    }
}

package dev.largeupload.web.edge.rest;

import static dev.largeupload.web.http.RequestValues.TOKEN_HEADER;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.service.ClientDigests;
import dev.largeupload.domain.service.Results.ChunkAccepted;
import dev.largeupload.domain.usecase.AcceptChunkCommand;
import dev.largeupload.domain.usecase.AcceptChunkUseCase;
import dev.largeupload.web.edge.rest.Dtos.ChunkResponse;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.Optional;

/**
 * Receives chunks, streaming each body straight into the blob store: as a raw
 * {@code application/octet-stream} body ({@code PUT /api/upload/{id}/chunks/{index}}), or as the
 * Python service's multipart form ({@code POST /api/upload/chunk}). A chunk is never held in memory. The
 * client's digests ({@code Content-MD5}, RFC 9530 {@code Content-Digest: sha-256=:…:}, or the form
 * fields {@code content_md5} and {@code chunk_sha256}) are checked while the bytes stream in. A {@code PUT} may
 * carry a {@code Content-Range: bytes first-last/chunk-length} to continue a chunk from its durable prefix.
 */
@Path("/upload")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChunkResource {

    @Inject
    AcceptChunkUseCase chunks;

    @Inject
    MultipartChunkReader multipart;

    @Context
    HttpServletRequest request;

    @PUT
    @Path("/{id}/chunks/{index}")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    public ChunkResponse put(@PathParam("id") String id, @PathParam("index") String index,
                             @HeaderParam(TOKEN_HEADER) String token, @HeaderParam("Content-MD5") String md5,
                             @HeaderParam("Content-Digest") String digest, @HeaderParam("Content-Range") String range,
                             InputStream body) {
        return answer(chunks.acceptChunk(new AcceptChunkCommand(RequestValues.uploadId(id), token,
                RequestValues.chunkIndex(index), body, request.getContentLengthLong(),
                new ClientDigests(RequestValues.contentMd5(md5), RequestValues.contentDigest(digest)),
                RequestValues.contentRange(range))));
    }

    @POST
    @Path("/chunk")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public ChunkResponse post(@HeaderParam(TOKEN_HEADER) String token, @HeaderParam("Content-MD5") String md5) {
        return answer(multipart.read(request, (fields, body) -> chunks.acceptChunk(new AcceptChunkCommand(
                RequestValues.uploadId(fields.required("upload_id")),
                token != null ? token : fields.optional("upload_token").orElse(null),
                RequestValues.chunkIndex(fields.required("chunk_index")),
                body, -1, new ClientDigests(
                        RequestValues.contentMd5(Optional.ofNullable(md5).orElse(fields.optional("content_md5").orElse(null))),
                        RequestValues.sha256Hex(fields.optional("chunk_sha256"), "chunk_sha256"))))));
    }

    static ChunkResponse answer(ChunkAccepted a) {
        return new ChunkResponse(a.index(), a.blockId().value(), a.receivedCount(), a.session().plan().chunkCount(),
                a.progressPercentage(), a.sha256().map(Sha256::hex).orElse(null), a.chunkReceivedBytes(),
                a.chunkReceived(), a.chunkReceived() ? "Chunk uploaded successfully"
                        : "Part of the chunk stored; continue it from byte " + a.chunkReceivedBytes());
    }
}

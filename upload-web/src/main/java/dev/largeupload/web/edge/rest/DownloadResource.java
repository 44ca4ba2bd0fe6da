package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.usecase.DownloadUseCase;
import dev.largeupload.web.http.FileDownloads;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * Serves a completed upload's file, whole or one byte range ({@code Range: bytes=a-b},
 * {@code bytes=a-}, {@code bytes=-n}), streaming from the blob store.
 */
@Path("/files")
@RequestScoped
public class DownloadResource {

    @Inject
    DownloadUseCase downloads;

    @GET
    @Path("/{id}")
    public Response download(@PathParam("id") String id, @HeaderParam("Range") String rangeHeader) {
        return FileDownloads.response(downloads.download(RequestValues.uploadId(id)), rangeHeader);
    }
}

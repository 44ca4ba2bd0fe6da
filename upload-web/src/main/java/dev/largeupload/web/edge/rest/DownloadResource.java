package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.service.Download;
import dev.largeupload.domain.usecase.DownloadUseCase;
import dev.largeupload.web.http.ByteRange;
import dev.largeupload.web.http.Problem;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Serves a completed upload's file, whole or one byte range ({@code Range: bytes=a-b},
 * {@code bytes=a-}, {@code bytes=-n}), streaming from the blob store.
 */
@Path("/files")
@RequestScoped
public class DownloadResource {

    private static final int BUFFER = 256 * 1024;

    @Inject
    DownloadUseCase downloads;

    @GET
    @Path("/{id}")
    public Response download(@PathParam("id") String id, @HeaderParam("Range") String rangeHeader) {
        Download download = downloads.download(RequestValues.uploadId(id));
        long size = download.size();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(rangeHeader, size);
        } catch (ByteRange.Unsatisfiable e) {
            return Problem.of(416, "upload.range-not-satisfiable", "Range not satisfiable",
                    "The file has " + size + " bytes; the range '" + RequestValues.clip(rangeHeader) + "' selects none of them.")
                    .contentRange("bytes */" + size).toResponse();
        }
        long offset = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        StreamingOutput body = out -> {
            try (InputStream in = download.open(offset, length)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            }
        };
        Response.ResponseBuilder response = Response.status(range.isPresent() ? 206 : 200)
                .entity(body)
                .type(download.session().contentType())
                .header(HttpHeaders.CONTENT_LENGTH, length)
                .header("Accept-Ranges", "bytes")
                .header("ETag", "\"" + download.session().id().value() + "\"")
                .header("Content-Disposition", contentDisposition(download.session().fileName().value()))
                // The type is the client's choice (text/html, SVG …): never run it in this origin, even if opened inline.
                .header("Content-Security-Policy", "sandbox; default-src 'none'");
        range.ifPresent(r -> response.header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size));
        return response.build();
    }

    private static String contentDisposition(String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}

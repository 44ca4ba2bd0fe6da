package dev.largeupload.web.http;

import dev.largeupload.domain.service.Download;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The answer to a download of a completed upload's file, whole or one byte range ({@code Range: bytes=a-b},
 * {@code bytes=a-}, {@code bytes=-n}), streaming from the blob store: one code for every edge that serves files.
 */
public final class FileDownloads {

    private static final int BUFFER = 256 * 1024;

    private FileDownloads() {
    }

    /** The response serving {@code download}, or the part of it that {@code rangeHeader} asks for (416 when none). */
    public static Response response(Download download, String rangeHeader) {
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

package dev.largeupload.web.it;

import dev.largeupload.web.it.UploadClient.Answer;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Requests of the IETF resumable-upload draft at one interop version, to the tus edge's URLs (no Tus-Resumable). */
final class IetfDraftCalls {

    static final String PARTIAL_UPLOAD = "application/partial-upload";

    private final TusCalls http;
    private final String interop;

    IetfDraftCalls(URI base, String interop) {
        this.http = new TusCalls(base);
        this.interop = interop;
    }

    /** Creates an upload with bytes {@code from} to {@code to} of {@code file} as its first content. */
    Answer create(Path file, long from, long to, boolean complete, String... more) {
        return send("POST", http.creation(), slice(file, from, to), headers(complete, more,
                "Content-Type", "application/octet-stream"));
    }

    /** Appends bytes {@code from} to {@code to} of {@code file} at offset {@code from}. */
    Answer append(URI upload, Path file, long from, long to, boolean complete, String... more) {
        List<String> headers = new ArrayList<>(List.of("Upload-Offset", Long.toString(from)));
        boolean typed = false;
        for (int i = 0; i < more.length; i += 2) {
            typed |= more[i].equalsIgnoreCase("Content-Type");
        }
        if (!typed) {
            headers.addAll(List.of("Content-Type", PARTIAL_UPLOAD));
        }
        headers.addAll(List.of(more));
        return send("PATCH", upload, slice(file, from, to), headers(complete, headers.toArray(String[]::new)));
    }

    Answer head(URI upload) {
        return send("HEAD", upload);
    }

    Answer send(String method, URI uri) {
        return send(method, uri, BodyPublishers.noBody(), "Upload-Draft-Interop-Version", interop);
    }

    URI url(Answer created) {
        return http.url(created);
    }

    UploadClient.Download download(URI upload) {
        return http.download(upload, null);
    }

    private Answer send(String method, URI uri, BodyPublisher body, String... headers) {
        return http.send(method, uri, body, headers);
    }

    private String[] headers(boolean complete, String[] more, String... defaults) {
        List<String> headers = new ArrayList<>(List.of("Upload-Draft-Interop-Version", interop,
                "Upload-Complete", complete ? "?1" : "?0"));
        headers.addAll(List.of(defaults));
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }

    private static BodyPublisher slice(Path file, long from, long to) {
        return to == from ? BodyPublishers.noBody()
                : BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(UploadClient.slice(file, from, to - from)),
                        to - from);
    }
}

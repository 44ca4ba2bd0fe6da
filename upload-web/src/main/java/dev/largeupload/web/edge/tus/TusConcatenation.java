package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.usecase.AppendUploadUseCase.AppendStatus;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase.ConcatenateCommand;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase.Concatenated;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase.PartRef;
import dev.largeupload.web.http.RequestException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The concatenation extension of the edge: {@code Upload-Concat: partial} on a creation makes a part,
 * {@code Upload-Concat: final;<url> <url> ...} makes the concatenation of completed parts (each URL absolute or
 * path-only, an upload URL of this edge; its token is the capability to use it as a part), and HEAD reports
 * either. The concatenation is complete when it is created and holds no bytes of its own: its file is its parts'
 * files read in order ({@link ConcatenateUploadsUseCase}). Its {@code Upload-Concat} on HEAD lists its parts'
 * URLs without their tokens: the concatenation's URL does not grant the parts.
 *
 * @param partial whether the header asks for a part
 * @param urls    the parts' URLs of a concatenation, in order (empty for a part)
 */
record TusConcatenation(boolean partial, List<String> urls) {

    private static final String FINAL = "final;";

    /** The {@code Upload-Concat} header of a creation, or empty when it has none. @throws RequestException (400) if malformed */
    static Optional<TusConcatenation> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.equals("partial")) {
            return Optional.of(new TusConcatenation(true, List.of()));
        }
        if (value.startsWith(FINAL)) {
            List<String> urls = List.of(value.substring(FINAL.length()).strip().split(" +"));
            if (urls.size() > Concatenation.MAX_PARTS || urls.get(0).isEmpty()) {
                throw invalid("a final upload names 1 to " + Concatenation.MAX_PARTS + " partial upload URLs");
            }
            return Optional.of(new TusConcatenation(false, urls));
        }
        throw invalid("it is 'partial' or 'final;' followed by upload URLs, not '" + TusHeaderValues.clip(value) + "'");
    }

    /** Creates the final upload of this header's parts: 201 with its URL. */
    Response createFinal(ConcatenateUploadsUseCase concatenations, String lengthHeader, String metadataHeader, UriInfo uri) {
        if (lengthHeader != null) {
            throw invalid("a final upload's length is the sum of its parts'; it carries no Upload-Length");
        }
        Map<String, String> metadata = TusHeaderValues.metadata(metadataHeader);
        List<PartRef> parts = new ArrayList<>();
        String base = uri.getBaseUri().getPath();
        for (String url : urls) {
            parts.add(part(url, base));
        }
        Concatenated done = concatenations.concatenate(new ConcatenateCommand(parts,
                Optional.ofNullable(metadata.get("filename")).filter(s -> !s.isBlank()).orElse("upload"),
                Optional.ofNullable(metadata.get("filetype")).filter(s -> !s.isBlank()),
                metadataHeader == null ? "" : metadataHeader.strip()));
        return Response.created(uri.getBaseUriBuilder().path(UploadUrl.segment(done.session().id(), done.token())).build())
                .header("Upload-Token", done.token())
                .build();
    }

    /** The {@code Upload-Concat} a HEAD reports for an upload in {@code status}, if it takes part in a concatenation. */
    static Optional<String> reported(AppendStatus status, UriInfo uri) {
        Concatenation role = status.concatenation();
        if (role.isPart()) {
            return Optional.of("partial");
        }
        if (role.isConcatenation()) {
            String base = uri.getBaseUri().getPath();
            return Optional.of(FINAL + role.parts().stream().map(UploadId::value).map(id -> base + id)
                    .collect(Collectors.joining(" ")));
        }
        return Optional.empty();
    }

    /** The part an upload URL names: its path must be one of this edge's upload URLs; the host is not checked. */
    private static PartRef part(String url, String base) {
        String path;
        try {
            path = new URI(url).getRawPath();
        } catch (URISyntaxException e) {
            throw invalid("'" + TusHeaderValues.clip(url) + "' is not a URL");
        }
        if (path == null || !path.startsWith(base) || path.indexOf('/', base.length()) >= 0) {
            throw invalid("'" + TusHeaderValues.clip(url) + "' is not an upload URL of this server (" + base + "<id>)");
        }
        UploadUrl parsed;
        try {
            parsed = UploadUrl.parse(path.substring(base.length()), null);
        } catch (RuntimeException e) {
            throw invalid("'" + TusHeaderValues.clip(url) + "' is not an upload URL of this server (" + base + "<id>)");
        }
        return new PartRef(parsed.id(), parsed.token());
    }

    private static RequestException invalid(String why) {
        return new RequestException(400, "tus.concat-invalid", "Upload-Concat is invalid: " + why + ".");
    }
}

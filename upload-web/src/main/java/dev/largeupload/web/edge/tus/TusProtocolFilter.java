package dev.largeupload.web.edge.tus;

import dev.largeupload.web.http.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Set;

/**
 * The protocol dispatcher of the edge, before any resource method is chosen:
 * <ul>
 *   <li>{@code X-HTTP-Method-Override} on a {@code POST} turns it into the {@code PATCH}, {@code DELETE} or
 *       {@code HEAD} it names (for clients behind proxies that pass only GET and POST);</li>
 *   <li>which protocol the request speaks: tus 1.0.0 by {@code Tus-Resumable: 1.0.0}; the IETF resumable-upload
 *       draft by {@code Upload-Draft-Interop-Version} (6 or 8) on the same URLs, routed to
 *       {@link IetfDraftResource} (a download, {@code GET}, stays the tus resource's); neither, on anything but
 *       {@code OPTIONS} and a download, is 412 with {@code Tus-Version};</li>
 *   <li>every tus answer carries {@code Tus-Resumable: 1.0.0} (and {@code OPTIONS} the draft's
 *       {@code Accept-Patch: application/partial-upload}); the draft's answers do not.</li>
 * </ul>
 */
@PreMatching
public class TusProtocolFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Set<String> OVERRIDABLE = Set.of("PATCH", "DELETE", "HEAD");

    @Override
    public void filter(ContainerRequestContext request) {
        String override = request.getHeaderString(Tus.METHOD_OVERRIDE);
        if (override != null && "POST".equals(request.getMethod())) {
            String method = override.strip().toUpperCase(Locale.ROOT);
            if (!OVERRIDABLE.contains(method)) {
                request.abortWith(Problem.of(400, "tus.method-override-invalid", "Invalid request",
                        "X-HTTP-Method-Override may name PATCH, DELETE or HEAD.").toResponse());
                return;
            }
            request.setMethod(method);
        }
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        if (path.equals(IetfDraft.PATH) || path.startsWith(IetfDraft.PATH + "/")) {
            // Only this filter routes there, by the draft's header; the path itself is no URL of the edge.
            request.abortWith(Problem.of(404, "request.refused", "Request refused", "There is no such resource;"
                    + " tus uploads are created by POST /api/tus/.").toResponse());
            return;
        }
        String version = request.getHeaderString(Tus.RESUMABLE);
        String interop = request.getHeaderString(IetfDraft.INTEROP_VERSION);
        if (version == null && interop != null && !"GET".equals(method)) {
            if (!IetfDraft.INTEROP_VERSIONS.contains(interop.strip())) {
                request.abortWith(Problem.of(400, "draft.interop-version-unsupported", "Protocol not supported",
                        "This server speaks the IETF resumable-upload draft at interop versions 6 and 8, not '"
                                + clip(interop) + "'.").toResponse());
                return;
            }
            request.setProperty(IetfDraft.PATH, Boolean.TRUE);
            request.setRequestUri(request.getUriInfo().getBaseUriBuilder().path(IetfDraft.PATH).path(path)
                    .replaceQuery(request.getUriInfo().getRequestUri().getRawQuery()).build());
            return;
        }
        if ("OPTIONS".equals(method) || "GET".equals(method)) {
            return;
        }
        if (!Tus.VERSION.equals(version == null ? null : version.strip())) {
            Response refused = Problem.of(412, "tus.version-unsupported", "Precondition failed",
                    version == null ? "Send Tus-Resumable: 1.0.0, the tus version this server speaks."
                            : "This server speaks tus 1.0.0, not '" + clip(version) + "'.").toResponse();
            refused.getHeaders().putSingle(Tus.TUS_VERSION, Tus.VERSION);
            request.abortWith(refused);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(IetfDraft.PATH) == null) {
            response.getHeaders().putSingle(Tus.RESUMABLE, Tus.VERSION);
            if ("OPTIONS".equals(request.getMethod())) {
                // A draft client may discover resumable uploads by OPTIONS without the draft's header.
                response.getHeaders().putSingle("Accept-Patch", IetfDraft.PARTIAL_UPLOAD);
            }
        }
    }

    private static String clip(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 20 ? clean.substring(0, 20) + "…" : clean;
    }
}

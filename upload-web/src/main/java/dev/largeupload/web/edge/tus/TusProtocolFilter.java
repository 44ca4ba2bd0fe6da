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
 *       draft by {@code Upload-Draft-Interop-Version} (the same URLs; not served yet, refused with a problem naming
 *       it); neither, on anything but {@code OPTIONS} and a download ({@code GET}), is 412 with {@code Tus-Version};</li>
 *   <li>every answer carries {@code Tus-Resumable: 1.0.0}.</li>
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
        if ("OPTIONS".equals(method) || "GET".equals(method)) {
            return;
        }
        String version = request.getHeaderString(Tus.RESUMABLE);
        if (version == null && request.getHeaderString(Tus.DRAFT_INTEROP_VERSION) != null) {
            request.abortWith(Problem.of(400, "tus.protocol-unsupported", "Protocol not supported",
                    "This server does not speak the IETF resumable-upload draft yet; send Tus-Resumable: 1.0.0.")
                    .toResponse());
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
        response.getHeaders().putSingle(Tus.RESUMABLE, Tus.VERSION);
    }

    private static String clip(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 20 ? clean.substring(0, 20) + "…" : clean;
    }
}

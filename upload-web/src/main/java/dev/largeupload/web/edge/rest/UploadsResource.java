package dev.largeupload.web.edge.rest;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.service.UploadListing;
import dev.largeupload.domain.service.UploadListing.Listed;
import dev.largeupload.domain.service.UploadListing.Page;
import dev.largeupload.domain.usecase.ListUploadsUseCase;
import dev.largeupload.web.auth.CurrentCaller;
import dev.largeupload.web.edge.rest.Dtos.UploadItem;
import dev.largeupload.web.edge.rest.Dtos.UploadList;
import dev.largeupload.web.http.RequestException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * "My uploads": {@code GET /api/uploads?state=&limit=&cursor=}, newest first, a page at a time. A signed-in caller
 * gets its own uploads (an administrator every upload); a caller who is not signed in gets exactly the uploads whose
 * ids and tokens it presents in {@code Upload-Tokens: id1:token1, id2:token2} (at most
 * {@value UploadListing#MAX_PAGE}), and nothing else.
 */
@Path("/uploads")
@RequestScoped
public class UploadsResource {

    /** The header that presents upload tokens when no one is signed in. */
    public static final String TOKENS_HEADER = "Upload-Tokens";
    static final int DEFAULT_LIMIT = 50;
    private static final String CURSOR_VERSION = "1";

    @Inject
    ListUploadsUseCase listing;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public UploadList list(@QueryParam("state") String state, @QueryParam("limit") String limit,
                           @QueryParam("cursor") String cursor, @HeaderParam(TOKENS_HEADER) String tokens) {
        Optional<Listed> listed = state(state);
        int pageSize = limit(limit);
        Optional<ListPosition> after = Optional.ofNullable(cursor).filter(c -> !c.isBlank()).map(UploadsResource::decode);
        Caller caller = CurrentCaller.orAnonymous();
        Page page = caller.isSignedIn()
                ? listing.mine(caller, listed, after, pageSize)
                : listing.presented(presented(tokens), listed, after, pageSize);
        Instant now = Instant.now();
        return new UploadList(page.items().stream()
                .filter(session -> session.isVisibleTo(caller))
                .map(session -> item(session, now, caller)).toList(),
                page.next().map(UploadsResource::encode).orElse(null));
    }

    private static UploadItem item(UploadSession s, Instant now, Caller caller) {
        boolean completed = s.state() == UploadState.COMPLETED;
        return new UploadItem(s.id().value(), s.fileName().value(), s.lengthDeferred() ? null : s.plan().fileSize(),
                Listed.of(s, now).key(), Views.iso(s.createdAt()), Views.iso(s.updatedAt()),
                completed ? s.plan().fileSize() : s.receivedBytes(), s.progressPercentage(),
                completed ? s.expectedSha256().orElse(null) : null, null,
                completed ? "/api/files/" + s.id().value() : null,
                completed ? null : Views.iso(s.expiresAt()),
                caller.admin() ? s.owner().orElse(null) : null);
    }

    private static Optional<Listed> state(String state) {
        if (state == null || state.isBlank()) {
            return Optional.empty();
        }
        for (Listed listed : Listed.values()) {
            if (listed.key().equals(state.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(listed);
            }
        }
        throw new RequestException(400, "request.invalid-parameter",
                "state must be active, completed, expired or aborted; got '" + abbreviate(state) + "'.");
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= UploadListing.MAX_PAGE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new RequestException(400, "request.invalid-parameter",
                "limit must be a whole number from 1 to " + UploadListing.MAX_PAGE + "; got '" + abbreviate(limit) + "'.");
    }

    /** {@code id1:token1, id2:token2}: each id once, at most {@value UploadListing#MAX_PAGE}. */
    static Map<UploadId, String> presented(String header) {
        Map<UploadId, String> presented = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return presented;
        }
        for (String pair : header.split(",")) {
            String trimmed = pair.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new RequestException(400, "request.invalid-header",
                        TOKENS_HEADER + " is a comma-separated list of upload_id:upload_token pairs.");
            }
            UploadId id;
            try {
                id = new UploadId(trimmed.substring(0, colon).strip());
            } catch (RuntimeException e) {
                throw new RequestException(400, "request.invalid-header",
                        TOKENS_HEADER + " names an upload id that is not one: '" + abbreviate(trimmed.substring(0, colon)) + "'.");
            }
            presented.put(id, trimmed.substring(colon + 1).strip());
            if (presented.size() > UploadListing.MAX_PAGE) {
                throw new RequestException(400, "request.invalid-header",
                        TOKENS_HEADER + " may present at most " + UploadListing.MAX_PAGE + " uploads at once.");
            }
        }
        return presented;
    }

    /** An opaque cursor: the position, in URL-safe Base64, versioned so that its form may change. */
    static String encode(ListPosition position) {
        String text = CURSOR_VERSION + ":" + position.createdAt().toEpochMilli() + ":" + position.id().value();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static ListPosition decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
            String[] parts = text.split(":", 3);
            if (parts.length == 3 && CURSOR_VERSION.equals(parts[0])) {
                return new ListPosition(Instant.ofEpochMilli(Long.parseLong(parts[1])), new UploadId(parts[2]));
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw new RequestException(400, "request.invalid-cursor",
                "cursor is not one this server gave out; start again without it.");
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}

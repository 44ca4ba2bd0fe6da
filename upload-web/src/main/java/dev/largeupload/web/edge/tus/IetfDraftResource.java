package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.error.UploadException.LengthMismatch;
import dev.largeupload.domain.error.UploadException.OffsetConflict;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.service.CompletionRequest;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AbortUploadCommand;
import dev.largeupload.domain.usecase.AbortUploadUseCase;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase;
import dev.largeupload.domain.usecase.AppendUploadUseCase.AppendStatus;
import dev.largeupload.domain.usecase.BodyChecksum;
import dev.largeupload.domain.usecase.CompleteUploadCommand;
import dev.largeupload.domain.usecase.CompleteUploadUseCase;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.http.RequestException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The IETF resumable-upload draft ({@link IetfDraft}) on the tus edge's URLs, over the same use cases: creation
 * by {@code POST /api/tus/} (with or without content, {@code Upload-Complete: ?0/?1}, a length from
 * {@code Upload-Length}, from the content of a completing request, or deferred until the upload completes),
 * offset retrieval by {@code HEAD}, append by {@code PATCH} of {@code application/partial-upload} at
 * {@code Upload-Offset}, cancellation by {@code DELETE}. The protocol filter routes a request carrying
 * {@code Upload-Draft-Interop-Version} here. An upload completes when a request with {@code Upload-Complete: ?1}
 * was processed whole, and also when the offset reaches a length the client declared (tus-js-client's
 * {@code ietf-draft-05} sends {@code ?0} on its last PATCH when it uploads in chunks); an empty completing
 * request on an upload complete already is answered as complete again. Integrity: {@code Content-Digest} checks a
 * request's content (kept all or nothing), {@code Repr-Digest: sha-256} at creation checks the whole file at
 * completion, and the completing answer carries the file's {@code Repr-Digest} where the store computed it.
 * No {@code 104 (Upload Resumption Supported)} interim response: Servlet 6.0 has no way to send one.
 */
@Path(IetfDraft.PATH)
@RequestScoped
public class IetfDraftResource {

    private static final String UPLOAD_TOKEN = "Upload-Token";

    @Inject
    AppendUploadUseCase appends;

    @Inject
    CompleteUploadUseCase completions;

    @Inject
    AbortUploadUseCase aborts;

    @Inject
    ServerSettings settings;

    @Context
    UriInfo uri;

    @Context
    HttpServletRequest servletRequest;

    @OPTIONS

    @Operation(hidden = true) // reached only through TusProtocolFilter, on the tus URLs
    public Response options() {
        return Response.noContent().header("Accept-Patch", IetfDraft.PARTIAL_UPLOAD)
                .header(IetfDraft.UPLOAD_LIMIT, "max-size=" + settings.maxFileSize()).build();
    }

    @OPTIONS

    @Operation(hidden = true) // reached only through TusProtocolFilter, on the tus URLs
    @Path("{upload}")
    public Response optionsOfUpload() {
        return options();
    }

    @POST

    @Operation(hidden = true) // reached only through TusProtocolFilter, on the tus URLs
    public Response create(@HeaderParam(IetfDraft.UPLOAD_COMPLETE) String completeHeader,
                           @HeaderParam(IetfDraft.UPLOAD_LENGTH) String lengthHeader,
                           @HeaderParam(IetfDraft.REPR_DIGEST) String reprDigest,
                           @HeaderParam(IetfDraft.CONTENT_DIGEST) String contentDigest,
                           @HeaderParam(Tus.UPLOAD_METADATA) String metadataHeader,
                           @HeaderParam("Content-Type") String contentType, InputStream body) {
        boolean complete = IetfDraft.complete(completeHeader);
        Optional<Long> declared = IetfDraft.integer(IetfDraft.UPLOAD_LENGTH, lengthHeader);
        long contentLength = servletRequest.getContentLengthLong();
        Optional<Long> length = lengthOf("(new)", complete, 0, contentLength, declared);
        Map<String, String> metadata = TusHeaderValues.metadata(metadataHeader);
        String labels = metadataHeader == null ? "" : metadataHeader.strip();
        Optional<String> type = Optional.ofNullable(metadata.get("filetype"))
                .or(() -> Optional.ofNullable(contentType)).map(String::strip).filter(s -> !s.isEmpty());
        InitiateRequest request = new InitiateRequest(Optional.ofNullable(metadata.get("filename"))
                .filter(s -> !s.isBlank()).orElse("upload"), length.orElse(0L), OptionalLong.empty(), type,
                IetfDraft.reprSha256(reprDigest), length.isEmpty());
        Optional<BodyChecksum> checksum = IetfDraft.contentDigest(contentDigest);
        Initiated initiated = appends.start(request, labels);
        String token = initiated.uploadToken();
        Response.ResponseBuilder response = Response.status(201)
                .location(uri.getBaseUriBuilder().path(UploadUrl.segment(initiated.session().id(), token)).build())
                .header(UPLOAD_TOKEN, token);
        Outcome outcome = appendAndMaybeComplete(new AppendStatus(initiated.session(), 0, labels), token, body,
                contentLength, checksum, complete);
        return outcome.shape(response).build();
    }

    @HEAD

    @Operation(hidden = true) // reached only through TusProtocolFilter, on the tus URLs
    @Path("{upload}")
    public Response head(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken) {
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        AppendStatus status = appends.appendStatus(url.id(), url.token());
        Response.ResponseBuilder response = Response.noContent().header("Cache-Control", "no-store")
                .header(IetfDraft.UPLOAD_OFFSET, status.offset())
                .header(IetfDraft.UPLOAD_COMPLETE, status.session().state() == UploadState.COMPLETED ? "?1" : "?0");
        if (!status.session().lengthDeferred()) {
            response.header(IetfDraft.UPLOAD_LENGTH, status.session().plan().fileSize());
        }
        return response.header(IetfDraft.UPLOAD_LIMIT, limits(status)).build();
    }

    @PATCH

    @Operation(hidden = true) // reached only through TusProtocolFilter, on the tus URLs
    @Path("{upload}")
    public Response append(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken,
                           @HeaderParam(IetfDraft.UPLOAD_OFFSET) String offsetHeader,
                           @HeaderParam(IetfDraft.UPLOAD_COMPLETE) String completeHeader,
                           @HeaderParam(IetfDraft.UPLOAD_LENGTH) String lengthHeader,
                           @HeaderParam(IetfDraft.CONTENT_DIGEST) String contentDigest,
                           @HeaderParam("Content-Type") String contentType, InputStream body) {
        if (!isPartialUpload(contentType)) {
            throw new RequestException(415, "draft.content-type-unsupported",
                    "An append carries Content-Type: " + IetfDraft.PARTIAL_UPLOAD + ".");
        }
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        long offset = IetfDraft.integer(IetfDraft.UPLOAD_OFFSET, offsetHeader).orElseThrow(() -> new RequestException(
                400, "draft.header-missing", "An append carries Upload-Offset, where its content starts."));
        boolean complete = IetfDraft.complete(completeHeader);
        Optional<Long> declared = IetfDraft.integer(IetfDraft.UPLOAD_LENGTH, lengthHeader);
        Optional<BodyChecksum> checksum = IetfDraft.contentDigest(contentDigest);
        long contentLength = servletRequest.getContentLengthLong();
        AppendStatus status = appends.appendStatus(url.id(), url.token());
        if (status.session().state() == UploadState.COMPLETED && complete && contentLength == 0
                && offset == status.offset()) {
            return Response.ok().header(IetfDraft.UPLOAD_COMPLETE, "?1").header(IetfDraft.UPLOAD_OFFSET, offset).build();
        }
        if (offset != status.offset() && status.session().state() == UploadState.ACTIVE) {
            // Before a length is declared from it: an offset the upload does not hold changes nothing.
            throw new OffsetConflict(url.id().value(), offset, status.offset(), false);
        }
        Optional<Long> length = lengthOf(url.id().value(), complete, offset, contentLength, declared);
        if (length.isPresent() && status.session().state() == UploadState.ACTIVE) {
            status = appends.declareLength(url.id(), url.token(), length.get());
        }
        Outcome outcome = appendAndMaybeComplete(new AppendStatus(status.session(), offset, status.labels()),
                url.token(), body, contentLength, checksum, complete);
        return outcome.shape(Response.status(outcome.completed().isPresent() ? 200 : 204)).build();
    }

    @DELETE

    @Operation(hidden = true) // reached only through TusProtocolFilter, on the tus URLs
    @Path("{upload}")
    public Response cancel(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken) {
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        aborts.abort(new AbortUploadCommand(url.id(), url.token()));
        return Response.noContent().build();
    }

    /**
     * The length a request gives: {@code Upload-Length}, or the offset plus the content's length when it completes
     * the upload; both must agree.
     */
    private static Optional<Long> lengthOf(String upload, boolean complete, long offset, long contentLength,
                                           Optional<Long> declared) {
        Optional<Long> implied = complete && contentLength >= 0 ? Optional.of(offset + contentLength) : Optional.empty();
        if (declared.isPresent() && implied.isPresent() && !declared.equals(implied)) {
            throw new LengthMismatch(upload, declared.get(), implied.get());
        }
        return declared.or(() -> implied);
    }

    /**
     * Appends the content at {@code at.offset()} (when there is any), then completes the upload when this request
     * completes it and its content was kept whole, or when the offset reached the length declared.
     */
    private Outcome appendAndMaybeComplete(AppendStatus at, String token, InputStream body, long contentLength,
                                           Optional<BodyChecksum> checksum, boolean complete) {
        AppendStatus status = at;
        boolean whole = true;
        if (contentLength != 0) {
            Counted counted = new Counted(body);
            status = appends.append(new AppendCommand(at.session().id(), token, at.offset(), counted, contentLength,
                    checksum, Optional.empty()));
            whole = status.offset() == at.offset() + counted.count;
        }
        // A completing request whose end was not kept (the answer's offset says where to go on) completes nothing.
        if (complete && whole && status.session().lengthDeferred()) {
            status = appends.declareLength(status.session().id(), token, status.offset());
        }
        if (complete && whole && status.offset() != status.session().plan().fileSize()) {
            throw new LengthMismatch(status.session().id().value(), status.session().plan().fileSize(), status.offset());
        }
        boolean reached = !status.session().lengthDeferred() && status.offset() == status.session().plan().fileSize();
        Optional<Completed> completed = Optional.empty();
        if (reached && status.session().state() == UploadState.ACTIVE) {
            completed = Optional.of(completions.complete(new CompleteUploadCommand(status.session().id(), token,
                    CompletionRequest.NONE)));
        }
        return new Outcome(status, completed, limits(status));
    }

    /** {@code Upload-Limit}: the largest file, and the seconds the upload stays while idle. */
    private String limits(AppendStatus status) {
        String limits = "max-size=" + settings.maxFileSize();
        if (status.session().state() == UploadState.ACTIVE) {
            long seconds = Math.max(0, Duration.between(Instant.now(), status.session().expiresAt()).toSeconds());
            limits += ", max-age=" + seconds;
        }
        return limits;
    }

    /** What a creation or append did: the upload as it stands, and its completion if this request completed it. */
    private record Outcome(AppendStatus status, Optional<Completed> completed, String limits) {

        Response.ResponseBuilder shape(Response.ResponseBuilder response) {
            response.header(IetfDraft.UPLOAD_OFFSET, status.offset())
                    .header(IetfDraft.UPLOAD_COMPLETE, completed.isPresent() ? "?1" : "?0")
                    .header(IetfDraft.UPLOAD_LIMIT, limits);
            completed.flatMap(c -> c.blob().sha256())
                    .ifPresent(sha256 -> response.header(IetfDraft.REPR_DIGEST, IetfDraft.reprDigest(sha256)));
            return response;
        }
    }

    /** Counts the bytes read from a body, to tell a body appended whole from one whose end was not kept. */
    private static final class Counted extends FilterInputStream {
        private long count;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    private static boolean isPartialUpload(String contentType) {
        try {
            return contentType != null && MediaType.valueOf(contentType).isCompatible(MediaType.valueOf(IetfDraft.PARTIAL_UPLOAD))
                    && !MediaType.valueOf(contentType).isWildcardSubtype();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

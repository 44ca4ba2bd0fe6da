package dev.largeupload.web.edge.tus;

import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.service.CompletionRequest;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AbortUploadCommand;
import dev.largeupload.domain.usecase.AbortUploadUseCase;
import dev.largeupload.domain.usecase.AppendCommand;
import dev.largeupload.domain.usecase.AppendUploadUseCase;
import dev.largeupload.domain.usecase.AppendUploadUseCase.AppendStatus;
import dev.largeupload.domain.usecase.BodyChecksum;
import dev.largeupload.domain.usecase.CompleteUploadCommand;
import dev.largeupload.domain.usecase.CompleteUploadUseCase;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase;
import dev.largeupload.domain.usecase.DownloadUseCase;
import dev.largeupload.web.config.ServerSettings;
import dev.largeupload.web.http.FileDownloads;
import dev.largeupload.web.http.RequestException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The tus 1.0.0 protocol over the append use case: creation (with upload, or with its length deferred), HEAD for the
 * durable offset, PATCH to append at it (and to declare a deferred length), termination, expiration, checksums
 * (header and trailer), concatenation ({@link TusConcatenation}), and GET to download a completed upload.
 * The PATCH that reaches the upload's length completes it through the native complete use case, so the native
 * status, resume and download work for tus uploads. Thin: parse, call one use case, shape the answer.
 */
@Path("/")
@RequestScoped
public class TusResource {

    private static final String UPLOAD_TOKEN = "Upload-Token";

    @Inject
    AppendUploadUseCase appends;

    @Inject
    CompleteUploadUseCase completions;

    @Inject
    ConcatenateUploadsUseCase concatenations;

    @Inject
    AbortUploadUseCase aborts;

    @Inject
    DownloadUseCase downloads;

    @Inject
    ServerSettings settings;

    @Context
    UriInfo uri;

    @Context
    HttpServletRequest servletRequest;

    @OPTIONS
    public Response options() {
        return Response.noContent()
                .header(Tus.TUS_VERSION, Tus.VERSION)
                .header(Tus.EXTENSION, String.join(",", Tus.EXTENSIONS))
                .header(Tus.MAX_SIZE, settings.maxFileSize())
                .header(Tus.CHECKSUM_ALGORITHM, Tus.CHECKSUM_ALGORITHMS)
                .build();
    }

    @OPTIONS
    @Path("{upload}")
    public Response optionsOfUpload() {
        return options();
    }

    @POST
    public Response create(@HeaderParam(Tus.UPLOAD_LENGTH) String lengthHeader,
                           @HeaderParam(Tus.UPLOAD_DEFER_LENGTH) String deferLength,
                           @HeaderParam(Tus.UPLOAD_METADATA) String metadataHeader,
                           @HeaderParam(Tus.UPLOAD_CONCAT) String concat,
                           @HeaderParam(Tus.UPLOAD_CHECKSUM) String checksum,
                           @HeaderParam("Content-Type") String contentType,
                           InputStream body) {
        Optional<TusConcatenation> concatenation = TusConcatenation.parse(concat);
        if (concatenation.filter(c -> !c.partial()).isPresent()) {
            return concatenation.get().createFinal(concatenations, lengthHeader, metadataHeader, uri);
        }
        boolean deferred = TusHeaderValues.deferLength(deferLength, lengthHeader);
        long length = deferred ? -1 : TusHeaderValues.number(Tus.UPLOAD_LENGTH, lengthHeader).orElseThrow(() ->
                new RequestException(400, "tus.header-missing", "A creation needs Upload-Length, the size of the file"
                        + " in bytes, or Upload-Defer-Length: 1."));
        Map<String, String> metadata = TusHeaderValues.metadata(metadataHeader);
        String labels = metadataHeader == null ? "" : metadataHeader.strip();
        InitiateRequest request = new InitiateRequest(Optional.ofNullable(metadata.get("filename"))
                .filter(s -> !s.isBlank()).orElse("upload"), Math.max(length, 0), OptionalLong.empty(),
                Optional.ofNullable(metadata.get("filetype")).filter(s -> !s.isBlank()), Optional.empty(), deferred);
        boolean withUpload = isOffsetOctetStream(contentType);
        Optional<BodyChecksum> bodyChecksum = withUpload ? Optional.ofNullable(checksum).map(TusHeaderValues::checksum)
                : Optional.empty();
        Initiated initiated = concatenation.isPresent() ? concatenations.startPart(request, labels)
                : appends.start(request, labels);
        String token = initiated.uploadToken();
        AppendStatus status = new AppendStatus(initiated.session(), 0, labels);
        if (withUpload && servletRequest.getContentLengthLong() != 0) {
            status = appendAndComplete(new AppendCommand(initiated.session().id(), token, 0, body,
                    servletRequest.getContentLengthLong(), bodyChecksum, trailerChecksum()));
        } else if (length == 0) {
            completeIfWhole(status, token);
        }
        Response.ResponseBuilder created = Response.created(
                        uri.getBaseUriBuilder().path(UploadUrl.segment(initiated.session().id(), token)).build())
                .header(UPLOAD_TOKEN, token);
        expires(created, status);
        if (withUpload) {
            created.header(Tus.UPLOAD_OFFSET, status.offset());
        }
        return created.build();
    }

    @HEAD
    @Path("{upload}")
    public Response head(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken) {
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        AppendStatus status = appends.appendStatus(url.id(), url.token());
        Response.ResponseBuilder response = Response.ok()
                .header("Cache-Control", "no-store")
                .header(Tus.UPLOAD_OFFSET, status.offset());
        if (status.session().lengthDeferred()) {
            response.header(Tus.UPLOAD_DEFER_LENGTH, "1");
        } else {
            response.header(Tus.UPLOAD_LENGTH, status.session().plan().fileSize());
        }
        if (!status.labels().isEmpty()) {
            response.header(Tus.UPLOAD_METADATA, status.labels());
        }
        TusConcatenation.reported(status, uri).ifPresent(role -> response.header(Tus.UPLOAD_CONCAT, role));
        expires(response, status);
        return response.build();
    }

    @PATCH
    @Path("{upload}")
    public Response patch(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken,
                          @HeaderParam(Tus.UPLOAD_OFFSET) String offsetHeader,
                          @HeaderParam(Tus.UPLOAD_LENGTH) String lengthHeader,
                          @HeaderParam(Tus.UPLOAD_CHECKSUM) String checksum,
                          @HeaderParam("Content-Type") String contentType, InputStream body) {
        if (!isOffsetOctetStream(contentType)) {
            throw new RequestException(415, "tus.content-type-unsupported",
                    "A PATCH carries Content-Type: application/offset+octet-stream.");
        }
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        long offset = TusHeaderValues.number(Tus.UPLOAD_OFFSET, offsetHeader).orElseThrow(() -> new RequestException(400,
                "tus.header-missing", "A PATCH needs Upload-Offset, where its body starts in the file."));
        Optional<BodyChecksum> bodyChecksum = Optional.ofNullable(checksum).map(TusHeaderValues::checksum);
        Optional<Long> length = TusHeaderValues.number(Tus.UPLOAD_LENGTH, lengthHeader);
        if (length.isPresent()) {
            // Declares a deferred length once; the same length again is fine, another one is refused.
            appends.declareLength(url.id(), url.token(), length.get());
        }
        AppendStatus status = appendAndComplete(new AppendCommand(url.id(), url.token(), offset, body,
                servletRequest.getContentLengthLong(), bodyChecksum, trailerChecksum()));
        Response.ResponseBuilder response = Response.noContent().header(Tus.UPLOAD_OFFSET, status.offset());
        expires(response, status);
        return response.build();
    }

    @DELETE
    @Path("{upload}")
    public Response terminate(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken) {
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        aborts.abort(new AbortUploadCommand(url.id(), url.token()));
        return Response.noContent().build();
    }

    @GET
    @Path("{upload}")
    public Response download(@PathParam("upload") String segment, @HeaderParam(UPLOAD_TOKEN) String headerToken,
                             @HeaderParam("Range") String range) {
        UploadUrl url = UploadUrl.parse(segment, headerToken);
        appends.appendStatus(url.id(), url.token());
        return FileDownloads.response(downloads.download(url.id()), range);
    }

    /** Appends, and completes the upload through the native use case once its last byte is durable. */
    private AppendStatus appendAndComplete(AppendCommand command) {
        AppendStatus status = appends.append(command);
        completeIfWhole(status, command.token());
        return status;
    }

    private void completeIfWhole(AppendStatus status, String token) {
        if (status.offset() == status.session().plan().fileSize() && status.session().state() == UploadState.ACTIVE
                && !status.session().lengthDeferred()) {
            completions.complete(new CompleteUploadCommand(status.session().id(), token, CompletionRequest.NONE));
        }
    }

    /**
     * The checksum of the checksum-trailer extension: announced by {@code Trailer: Upload-Checksum} on a chunked body,
     * read from the request's trailer fields once the body was read whole.
     */
    private Optional<Supplier<Optional<BodyChecksum>>> trailerChecksum() {
        String trailer = servletRequest.getHeader("Trailer");
        if (trailer == null || Arrays.stream(trailer.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                .noneMatch(Tus.UPLOAD_CHECKSUM.toLowerCase(Locale.ROOT)::equals)) {
            return Optional.empty();
        }
        return Optional.of(() -> {
            if (!servletRequest.isTrailerFieldsReady()) {
                return Optional.empty();
            }
            return servletRequest.getTrailerFields().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(Tus.UPLOAD_CHECKSUM))
                    .map(e -> TusHeaderValues.checksum(e.getValue())).findFirst();
        });
    }

    private static void expires(Response.ResponseBuilder response, AppendStatus status) {
        if (status.session().state() == UploadState.ACTIVE) {
            response.header(Tus.UPLOAD_EXPIRES, Tus.httpDate(status.session().expiresAt()));
        }
    }

    private static boolean isOffsetOctetStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            return type.isCompatible(MediaType.valueOf(Tus.OFFSET_OCTET_STREAM)) && !type.isWildcardType()
                    && !type.isWildcardSubtype();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

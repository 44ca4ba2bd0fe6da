package dev.largeupload.web.edge.rest;

import static dev.largeupload.web.http.RequestValues.TOKEN_HEADER;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.TransferMode;
import dev.largeupload.web.http.RequestException;
import java.util.Optional;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.service.CompletionRequest;
import dev.largeupload.domain.service.InitiateRequest;
import dev.largeupload.domain.service.Results.Completed;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.AbortUploadCommand;
import dev.largeupload.domain.usecase.AbortUploadUseCase;
import dev.largeupload.domain.usecase.CompleteUploadCommand;
import dev.largeupload.domain.usecase.CompleteUploadUseCase;
import dev.largeupload.domain.usecase.InitiateUploadUseCase;
import dev.largeupload.domain.usecase.ResumeUploadUseCase;
import dev.largeupload.domain.usecase.UploadStatusUseCase;
import dev.largeupload.web.auth.CurrentCaller;
import dev.largeupload.web.edge.rest.Dtos.CompleteResponse;
import dev.largeupload.web.edge.rest.Dtos.DeleteResponse;
import dev.largeupload.web.edge.rest.Dtos.InitResponse;
import dev.largeupload.web.edge.rest.Dtos.ResumeResponse;
import dev.largeupload.web.edge.rest.Dtos.StatusResponse;
import dev.largeupload.web.http.JsonFields;
import dev.largeupload.web.http.RequestValues;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The Python service's upload life cycle: init, complete, status, resume and delete (chunks are in {@link ChunkResource}). */
@Path("/upload")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UploadResource {

    @Inject
    InitiateUploadUseCase initiation;

    @Inject
    CompleteUploadUseCase completion;

    @Inject
    UploadStatusUseCase statuses;

    @Inject
    ResumeUploadUseCase resumption;

    @Inject
    AbortUploadUseCase deletion;

    @Context
    HttpServletRequest request;

    @POST
    @Path("/init")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response init(JsonValue body) {
        String api = apiPath();
        JsonFields json = JsonFields.of(body);
        Initiated started = initiation.initiate(new InitiateRequest(json.requiredString("filename"),
                json.requiredLong("file_size"), json.optionalLong("chunk_size"), json.optionalString("content_type"),
                json.optionalString("sha256"), false, transfer(json.optionalString("transfer"))));
        UploadSession s = started.session();
        InitResponse answer = new InitResponse(s.id().value(), s.fileName().value(), s.plan().fileSize(),
                s.plan().chunkSize(), s.plan().chunkCount(), started.uploadToken(), Views.iso(s.expiresAt()),
                s.plan().blockSize(), s.transfer().wireName(), "Upload initialized");
        return Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, api + "/upload/status/" + s.id().value())
                .entity(answer).build();
    }

    @POST
    @Path("/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    public CompleteResponse complete(JsonValue body, @HeaderParam(TOKEN_HEADER) String tokenHeader) {
        String api = apiPath();
        JsonFields json = JsonFields.of(body);
        var id = RequestValues.uploadId(json.requiredString("upload_id"));
        String token = tokenHeader != null ? tokenHeader : json.optionalString("upload_token").orElse(null);
        Completed done = completion.complete(new CompleteUploadCommand(id, token, new CompletionRequest(
                RequestValues.sha256Hex(json.optionalString("sha256"), "sha256"),
                RequestValues.sha256Hex(json.optionalString("composite_sha256"), "composite_sha256"))));
        UploadSession s = done.session();
        return new CompleteResponse(s.id().value(), s.fileName().value(), s.plan().fileSize(), s.plan().chunkCount(),
                done.blob().sha256().orElse(null), done.compositeSha256().map(Sha256::hex).orElse(null),
                api + "/files/" + s.id().value(), s.transfer().wireName(),
                Views.verification(s.transfer(), done.compositeSha256().isPresent(), done.blob().sha256().isPresent()),
                "Upload completed successfully");
    }

    /** The {@code transfer} field of init: {@code proxy} when absent; anything but the two names is refused. */
    private static TransferMode transfer(Optional<String> field) {
        if (field.isEmpty()) {
            return TransferMode.PROXY;
        }
        return TransferMode.ofWireName(field.get()).orElseThrow(() -> new RequestException(400, "request.invalid-field",
                "Field 'transfer' must be \"proxy\" or \"direct\"."));
    }

    /**
     * The API's path on this server ({@code /api} under the context root), from the container's own paths:
     * links never echo the client's {@code Host}, and are computed before a use case changes anything.
     */
    private String apiPath() {
        return request.getContextPath() + request.getServletPath();
    }

    @GET
    @Path("/status/{id}")
    public StatusResponse status(@PathParam("id") String id) {
        return Views.status(statuses.status(RequestValues.uploadId(id)));
    }

    @GET
    @Path("/resume/{id}")
    public ResumeResponse resume(@PathParam("id") String id) {
        return Views.resume(resumption.resume(RequestValues.uploadId(id)));
    }

    @DELETE
    @Path("/{id}")
    public DeleteResponse delete(@PathParam("id") String id, @HeaderParam(TOKEN_HEADER) String token) {
        UploadSession s = deletion.abort(new AbortUploadCommand(RequestValues.uploadId(id), token,
                CurrentCaller.orAnonymous().admin()));
        return new DeleteResponse(s.id().value(), "Upload deleted");
    }
}

package dev.largeupload.web.hooks;

import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadSession;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** The JSON bodies of hook requests (JSON-P builds them; no JSON is written by hand). */
final class HookBodies {

    private HookBodies() {
    }

    /**
     * An event as sent at {@code sentAt}: {@code {"id", "type", "created_at", "sent_at", "upload": {"upload_id",
     * "subject", "filename", "file_size", "sha256", "composite_sha256", "blob", "state"}}}, an unknown value
     * {@code null}. {@code created_at} is when the change happened; {@code sent_at}, signed with the rest, is this
     * attempt's, so that a receiver can refuse a replay by its age even of an event retried for hours.
     */
    static byte[] event(UploadEvent event, Instant sentAt) {
        JsonObjectBuilder upload = Json.createObjectBuilder()
                .add("upload_id", event.uploadId().value());
        text(upload, "subject", event.subject());
        upload.add("filename", event.fileName())
                .add("file_size", event.fileSize());
        text(upload, "sha256", event.sha256());
        text(upload, "composite_sha256", event.compositeSha256());
        upload.add("blob", event.blob())
                .add("state", event.state().name().toLowerCase(Locale.ROOT));
        return Json.createObjectBuilder()
                .add("id", event.id())
                .add("type", event.type().wireName())
                .add("created_at", event.createdAt().toString())
                .add("sent_at", sentAt.toString())
                .add("upload", upload)
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What the pre-create hook is asked: {@code {"type": "upload.pre-create", "created_at", "upload": {"filename",
     * "file_size" (null while the length is deferred), "content_type", "subject"}}}.
     */
    static byte[] preCreate(UploadSession proposed, Instant now) {
        JsonObjectBuilder upload = Json.createObjectBuilder().add("filename", proposed.fileName().value());
        if (proposed.lengthDeferred()) {
            upload.addNull("file_size");
        } else {
            upload.add("file_size", proposed.plan().fileSize());
        }
        upload.add("content_type", proposed.contentType());
        // Asked before the store stamps the signed-in caller as the owner (CallerScopedMetadataStore): the caller then.
        text(upload, "subject", UploadEvent.subjectOf(proposed)
                .or(() -> dev.largeupload.web.auth.CurrentCaller.get().flatMap(dev.largeupload.domain.model.Caller::subject)));
        return Json.createObjectBuilder()
                .add("type", "upload.pre-create")
                .add("created_at", now.toString())
                .add("upload", upload)
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void text(JsonObjectBuilder object, String name, Optional<String> value) {
        if (value.isPresent()) {
            object.add(name, value.get());
        } else {
            object.addNull(name);
        }
    }
}

package dev.largeupload.domain.service;

import dev.largeupload.domain.port.PreCreateHook;
import java.util.Objects;

/**
 * What the use cases tell outside systems, and ask them: whether every creation, completion, abort and expiry also
 * writes its {@link dev.largeupload.domain.model.UploadEvent} to the metadata store's outbox (in the same atomic step),
 * and which {@link PreCreateHook} is asked before an upload is created.
 */
public record UploadHooks(boolean recordEvents, PreCreateHook preCreate) {

    /** No events written, every upload allowed. */
    public static final UploadHooks NONE = new UploadHooks(false, PreCreateHook.ALLOW_ALL);

    public UploadHooks {
        Objects.requireNonNull(preCreate, "preCreate");
    }
}

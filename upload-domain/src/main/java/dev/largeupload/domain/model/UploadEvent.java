package dev.largeupload.domain.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Something that happened to an upload, for systems outside this service (event hooks): created, completed,
 * aborted or expired, with a snapshot of the upload as that change left it. A {@code MetadataStore} writes it to
 * its outbox in the same atomic step as the change itself, so an event exists exactly when its change happened.
 *
 * @param id          unique, so that a receiver that gets it twice (delivery is at least once) can tell
 * @param type        what happened
 * @param createdAt   when it happened; part of the signed body, so a receiver can refuse a replayed old event
 * @param uploadId    the upload
 * @param subject     who owns the upload (the sign-in's subject), when uploads have owners
 * @param fileName    the upload's file name, for display
 * @param fileSize    its size in bytes
 * @param sha256      the whole file's SHA-256 as lower-case hex, when known (verified at completion or given at init)
 * @param compositeSha256 the SHA-256 of the blocks' SHA-256s, when every block was recorded with one (at completion)
 * @param blob        where the data lives in the blob store: the blob's name, no credentials
 * @param state       the upload's state after the change
 */
public record UploadEvent(String id, Type type, Instant createdAt, UploadId uploadId, Optional<String> subject,
                          String fileName, long fileSize, Optional<String> sha256, Optional<String> compositeSha256,
                          String blob, UploadState state) {

    /** The kinds of event, each with its name on the wire. */
    public enum Type {
        CREATED, COMPLETED, ABORTED, EXPIRED;

        /** {@code upload.created}, {@code upload.completed}, … */
        public String wireName() {
            return "upload." + name().toLowerCase(Locale.ROOT);
        }

        /** The state an upload is in right after this event's change. */
        public UploadState state() {
            return switch (this) {
                case CREATED -> UploadState.ACTIVE;
                case COMPLETED -> UploadState.COMPLETED;
                case ABORTED -> UploadState.ABORTED;
                case EXPIRED -> UploadState.EXPIRED;
            };
        }

        /** The event of a change to {@code next}, if that change is one an event tells of. */
        public static Optional<Type> ofChangeTo(UploadState next) {
            return switch (next) {
                case COMPLETED -> Optional.of(COMPLETED);
                case ABORTED -> Optional.of(ABORTED);
                case EXPIRED -> Optional.of(EXPIRED);
                default -> Optional.empty();
            };
        }

        /** The type whose {@link #wireName()} is {@code name}. @throws IllegalArgumentException for any other */
        public static Type ofWireName(String name) {
            for (Type type : values()) {
                if (type.wireName().equals(name)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("no event type " + name);
        }
    }

    public UploadEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(uploadId, "uploadId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(compositeSha256, "compositeSha256");
        Objects.requireNonNull(blob, "blob");
        Objects.requireNonNull(state, "state");
        if (id.isEmpty() || id.length() > 64) {
            throw new IllegalArgumentException("an event id has 1 to 64 characters");
        }
        if (fileSize < 0) {
            throw new IllegalArgumentException("negative file size " + fileSize);
        }
    }

    /**
     * Who owns {@code session}, as events and the pre-create hook tell it: the one place where the subject is taken
     * from the session.
     */
    /** This event told of {@code subject} (the owner a store stamped on the session it saves). */
    public UploadEvent withSubject(Optional<String> subject) {
        return new UploadEvent(id, type, createdAt, uploadId, subject, fileName, fileSize, sha256, compositeSha256, blob,
                state);
    }

    public static Optional<String> subjectOf(UploadSession session) {
        return session.owner(); // the signed-in subject who started it; none when no one was signed in
    }

    /**
     * The event {@code type} of {@code session} (as it was before the change or after: its state is the type's), at {@code at}, under a fresh id. The
     * subject is filled from the session here, and only here.
     */
    public static UploadEvent of(Type type, UploadSession session, Instant at, Optional<String> sha256,
                                 Optional<String> compositeSha256) {
        return new UploadEvent(UUID.randomUUID().toString(), type, at, session.id(), subjectOf(session),
                session.fileName().value(), session.plan().fileSize(), sha256, compositeSha256,
                session.blobName().value(), type.state());
    }
}

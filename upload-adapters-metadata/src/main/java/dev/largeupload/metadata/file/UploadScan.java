package dev.largeupload.metadata.file;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.metadata.common.SessionField;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * The scans of a {@link FileMetadataStore}'s root behind the listings and the count: each reads every upload's
 * session file, without a lock (the atomic rename makes every read see one whole version). Fine for the thousands
 * of uploads one host keeps, not for millions.
 */
final class UploadScan {

    private final Path root;

    UploadScan(Path root) {
        this.root = root;
    }

    /** An upload's id and session file, as a scan found them. */
    record Stored(UploadId id, Properties properties) {

        boolean is(UploadState state) {
            return state.name().equals(properties.getProperty(SessionField.STATE.key()));
        }

        long time(SessionField field) {
            return Long.parseLong(properties.getProperty(field.key()));
        }

        /** Whether it is active and not yet expired at {@code now}, as the port's {@code countActive} counts. */
        boolean isActiveAt(Instant now) {
            return is(UploadState.ACTIVE) && time(SessionField.EXPIRES_AT) > now.toEpochMilli();
        }
    }

    /** Up to {@code limit} (at least 1) ids of the uploads that {@code filter} accepts, oldest {@code timeField} first. */
    List<UploadId> select(int limit, Predicate<Stored> filter, SessionField timeField) throws IOException {
        return uploads().stream().filter(filter)
                .sorted(Comparator.comparingLong(upload -> upload.time(timeField)))
                .limit(limit).map(Stored::id).toList();
    }

    /** How many uploads are active and not yet expired at {@code now}. */
    /** Every upload's session, for a list of all uploads (an administrator's). */
    List<UploadSession> sessions() throws IOException {
        return uploads().stream().map(upload -> SessionFiles.toSession(upload.id(), upload.properties())).toList();
    }

    int countActive(Instant now) throws IOException {
        return (int) uploads().stream().filter(upload -> upload.isActiveAt(now)).count();
    }

    /** Every upload under the root; directories that are not uploads, or hold no session file, are skipped. */
    private List<Stored> uploads() throws IOException {
        List<Stored> uploads = new ArrayList<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path directory : directories) {
                Optional<UploadId> id = uploadId(directory);
                if (id.isPresent()) {
                    SessionFiles.read(directory).ifPresent(properties -> uploads.add(new Stored(id.get(), properties)));
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return uploads;
    }

    private static Optional<UploadId> uploadId(Path directory) {
        try {
            return Optional.of(new UploadId(directory.getFileName().toString()));
        } catch (InvalidArgument notAnUpload) {
            return Optional.empty();
        }
    }
}

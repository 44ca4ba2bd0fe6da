package dev.largeupload.metadata.file;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.ListPosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The file store's index of uploads by owner: {@code <root>/.owners/<SHA-256 of the owner, hex>/} holds one empty
 * file per upload, named {@code <creation time, 16 decimal digits of epoch ms>-<id>}, so that the names sort by
 * creation time and id and one directory listing gives an owner's uploads newest first, without reading any other
 * owner's. A marker is written before the session file and removed after it: a crash in between leaves a marker
 * whose session is gone, which readers skip.
 */
final class OwnerIndex {

    private static final String DIRECTORY = ".owners";
    private static final int TIME_DIGITS = 16;

    private final Path root;

    OwnerIndex(Path root) {
        this.root = root.resolve(DIRECTORY);
    }

    /** One entry: an upload of the owner and its creation time. */
    record Entry(Instant createdAt, UploadId id) {
    }

    void add(String owner, Instant createdAt, UploadId id) throws IOException {
        Path directory = directory(owner);
        Files.createDirectories(directory);
        try {
            Files.createFile(directory.resolve(name(createdAt, id)));
        } catch (FileAlreadyExistsException again) {
            // a retried creation
        }
        SessionFiles.forceDirectory(directory);
    }

    void remove(String owner, Instant createdAt, UploadId id) throws IOException {
        Files.deleteIfExists(directory(owner).resolve(name(createdAt, id)));
    }

    /** The owner's entries newest first, strictly after {@code after} when given. */
    List<Entry> newestFirst(String owner, Optional<ListPosition> after) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Path directory = directory(owner);
        if (!Files.isDirectory(directory)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                parse(file.getFileName().toString())
                        .filter(entry -> after.isEmpty() || after.get().isBefore(entry.createdAt(), entry.id()))
                        .ifPresent(entries::add);
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        entries.sort(Comparator.comparingLong((Entry e) -> e.createdAt().toEpochMilli())
                .thenComparing(e -> e.id().value()).reversed());
        return entries;
    }

    private Path directory(String owner) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return root.resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String name(Instant createdAt, UploadId id) {
        return String.format("%0" + TIME_DIGITS + "d-%s", createdAt.toEpochMilli(), id.value());
    }

    private static Optional<Entry> parse(String name) {
        int dash = name.indexOf('-');
        if (dash != TIME_DIGITS) {
            return Optional.empty(); // a temporary file, or not ours
        }
        try {
            return Optional.of(new Entry(Instant.ofEpochMilli(Long.parseLong(name.substring(0, dash))),
                    new UploadId(name.substring(dash + 1))));
        } catch (NumberFormatException | InvalidArgument e) {
            return Optional.empty();
        }
    }
}

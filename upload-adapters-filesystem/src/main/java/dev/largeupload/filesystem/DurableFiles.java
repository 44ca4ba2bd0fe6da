package dev.largeupload.filesystem;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The few file operations the store is built from, each done so that it survives a crash: new
 * files are forced to disk before they are renamed into place, and a rename is atomic and is
 * itself forced by syncing its directory where the platform allows it (POSIX does; Windows
 * cannot open a directory, and there only the rename's atomicity is kept).
 */
final class DurableFiles {

    private static final int DELETE_ATTEMPTS = 5;

    private final boolean canSyncDirectories;

    /** Probes once, on {@code probeDirectory}, whether directories can be synced on this platform. */
    DurableFiles(Path probeDirectory) {
        this.canSyncDirectories = trySync(probeDirectory);
    }

    /** Creates {@code file}, which must not exist, for writing; creates its directory when that is missing. */
    FileChannel createNew(Path file) throws IOException {
        try {
            return FileChannel.open(file, CREATE_NEW, WRITE);
        } catch (NoSuchFileException e) {
            Files.createDirectories(file.getParent());
            syncDirectory(file.getParent().getParent());
            return FileChannel.open(file, CREATE_NEW, WRITE);
        }
    }

    /** Renames {@code source} over {@code target} in one step and makes the rename durable. */
    void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    /** Deletes the files in {@code directory} that match {@code glob}; succeeds when the directory is missing. */
    static void deleteMatching(Path directory, String glob) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, glob)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException e) {
            // Nothing there to delete.
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    /**
     * Deletes {@code directory} and the files in it (it has no subdirectories); succeeds when it is
     * missing. A file that a concurrent writer adds meanwhile is deleted on the next attempt.
     */
    void deleteDirectory(Path directory) throws IOException {
        for (int attempt = 1; ; attempt++) {
            deleteMatching(directory, "*");
            try {
                Files.deleteIfExists(directory);
                syncDirectory(directory.getParent());
                return;
            } catch (DirectoryNotEmptyException e) {
                if (attempt == DELETE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    void syncDirectory(Path directory) throws IOException {
        if (canSyncDirectories) {
            try (FileChannel channel = FileChannel.open(directory, READ)) {
                channel.force(true);
            }
        }
    }

    private static boolean trySync(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, READ)) {
            channel.force(true);
            return true;
        } catch (IOException e) {
            // Not a POSIX filesystem: directories cannot be opened, so renames are atomic but not synced.
            return false;
        }
    }
}

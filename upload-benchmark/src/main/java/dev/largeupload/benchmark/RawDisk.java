package dev.largeupload.benchmark;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The disk's own speed for what the filesystem store does with a chunk, in this process: a new
 * temporary file written sequentially through a {@link FileChannel} in 1 MiB writes from a heap
 * buffer, {@code force(true)} at its end, an atomic rename to the chunk's name and an fsync of the
 * directory (FilesystemBlobStore.stage and DurableFiles). No HTTP, no metadata.
 */
final class RawDisk {

    private static final int WRITE_SIZE = 1024 * 1024;

    private final Path directory;
    private final Payload payload;

    /** Writes into a new directory {@code directory} (on the same disk as the server's DATA_DIR). */
    RawDisk(Path directory, Payload payload) {
        this.directory = directory;
        this.payload = payload;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes chunk {@code index} of {@code length} bytes durably. */
    void writeChunk(int index, long length) throws IOException {
        Path temp = directory.resolve(String.format("%06d.chunk.%s.tmp", index, UUID.randomUUID()));
        try (FileChannel out = FileChannel.open(temp, CREATE_NEW, WRITE)) {
            for (long done = 0; done < length; ) {
                ByteBuffer slice = payload.slice(done, length - done, WRITE_SIZE);
                done += slice.remaining();
                while (slice.hasRemaining()) {
                    out.write(slice);
                }
            }
            out.force(true);
        }
        Files.move(temp, directory.resolve(String.format("%06d.chunk", index)), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, READ)) {
            dir.force(true);
        }
    }

    /** Deletes what was written, keeping the directory. */
    void clear() {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Temporary data; what is left is under the run's work directory.
        }
    }
}

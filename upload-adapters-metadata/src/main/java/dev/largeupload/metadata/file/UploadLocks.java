package dev.largeupload.metadata.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The locks of a {@link FileMetadataStore}: each is an in-JVM lock (shared by every instance in the JVM) and then
 * an exclusive {@link java.nio.channels.FileLock} on a file under {@code <root>/.locks/}, which keeps out other
 * processes on the host. Changes to an upload take one of {@value #STRIPES} stripes, chosen by the id (file
 * {@code <stripe>}); creations within a limit take the admission lock (file {@code admission}) and then a stripe,
 * never the other way round; so does the event outbox with its lock (file {@code outbox}).
 */
final class UploadLocks {

    static final int STRIPES = 64;
    static final String DIRECTORY = ".locks";
    private static final String ADMISSION = "admission";
    private static final String OUTBOX = "outbox";
    private static final ReentrantLock[] JVM_STRIPES = new ReentrantLock[STRIPES];
    private static final ReentrantLock JVM_ADMISSION = new ReentrantLock();
    private static final ReentrantLock JVM_OUTBOX = new ReentrantLock();

    static {
        for (int i = 0; i < STRIPES; i++) {
            JVM_STRIPES[i] = new ReentrantLock();
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private final Path directory;

    /** The locks in {@code root}{@code /.locks}, created if missing. */
    UploadLocks(Path root) throws IOException {
        this.directory = Files.createDirectories(root.resolve(DIRECTORY));
    }

    Path directory() {
        return directory;
    }

    /** Runs {@code work} holding the stripe of {@code key} (an upload's id). */
    <T> T stripe(String key, Work<T> work) throws IOException {
        int stripe = Math.floorMod(key.hashCode(), STRIPES);
        return holding(JVM_STRIPES[stripe], Integer.toString(stripe), work);
    }

    /** Runs {@code work} holding the admission lock, which serialises creations within a limit. */
    <T> T admission(Work<T> work) throws IOException {
        return holding(JVM_ADMISSION, ADMISSION, work);
    }

    /**
     * Runs {@code work} holding the outbox lock, which serialises claims, releases and removals of events; it may take a
     * stripe inside it, never the other way round.
     */
    <T> T outbox(Work<T> work) throws IOException {
        return holding(JVM_OUTBOX, OUTBOX, work);
    }

    private <T> T holding(ReentrantLock jvmLock, String file, Work<T> work) throws IOException {
        jvmLock.lock();
        // A channel of its own for each call: an interrupt closes only it, and since the JVM lock
        // admits one thread per lock file, closing it cannot drop a lock another thread holds.
        try (FileChannel lockFile = FileChannel.open(directory.resolve(file),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockFile.lock(); // released when the channel closes
            return work.run();
        } finally {
            jvmLock.unlock();
        }
    }
}

package dev.largeupload.filesystem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import com.sun.nio.file.ExtendedOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open data files of uploads being staged, one channel per file for the whole JVM. POSIX record
 * locks belong to the process, and closing any descriptor of a file releases all of them, so the
 * region locks of concurrent stagings of one file must all be taken on one channel, closed only when
 * the last of them is done (as {@link FileChannel}'s own documentation recommends). A file is kept open
 * only while some staging or commit uses it.
 */
final class DataFiles {

    private static final Map<Path, Shared> OPEN = new HashMap<>();

    private DataFiles() {
    }

    /**
     * The shared channel of {@code file}, opened for reading and writing, created (with its directory)
     * when missing and extended to {@code size} bytes when shorter (sparse where the filesystem allows).
     * Call {@link Shared#release} once when done.
     */
    static Shared acquire(Path file, long size, DurableFiles files) throws IOException {
        return acquire(file, size, files, true);
    }

    /**
     * The shared channel of {@code file} as {@link #acquire(Path, long, DurableFiles)} gives it, but only when
     * the file exists: for a commit, which must never create one.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    static Shared acquireExisting(Path file) throws IOException {
        return acquire(file, 0, null, false);
    }

    private static Shared acquire(Path file, long size, DurableFiles files, boolean create) throws IOException {
        Shared shared;
        synchronized (OPEN) {
            shared = OPEN.computeIfAbsent(file, Shared::new);
            shared.users++;
        }
        // Opened by its first user, under its own lock: other files are opened meanwhile, and no second
        // channel of this file is ever opened (closing it would drop the region locks taken on the first).
        synchronized (shared) {
            if (shared.channel == null) {
                try {
                    FileChannel opened = create ? open(file, size, files)
                            : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    shared.openDirect(file);
                    shared.channel = opened;
                } catch (IOException | RuntimeException e) {
                    shared.release();
                    throw e;
                }
            }
        }
        return shared;
    }

    /**
     * Runs {@code move}, which renames {@code file} or its directory away, and then forgets the channel of
     * {@code file}, with no {@link #acquire} of it in this JVM in between: whoever holds the channel keeps it
     * until released, and the next {@code acquire} opens what is at that path then. When {@code move} fails,
     * the file is still there and its channel stays shared.
     */
    static void moveAway(Path file, Move move) throws IOException {
        synchronized (OPEN) {
            move.run();
            OPEN.remove(file);
        }
    }

    /** A rename that may fail. */
    @FunctionalInterface
    interface Move {
        void run() throws IOException;
    }

    /** How many data files are open right now: for tests. */
    static int openCount() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static FileChannel open(Path file, long size, DurableFiles files) throws IOException {
        boolean created = Files.notExists(file);
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "rw");
        } catch (FileNotFoundException e) {
            if (Files.isDirectory(file.getParent())) {
                throw e;
            }
            Files.createDirectories(file.getParent());
            files.syncDirectory(file.getParent().getParent());
            raf = new RandomAccessFile(file.toFile(), "rw");
        }
        try {
            // Only ever grown, never cut: a concurrent opener that grew it already makes this a no-op.
            if (raf.length() < size) {
                raf.setLength(size);
            }
            if (created) {
                files.syncDirectory(file.getParent());
            }
            return raf.getChannel();
        } catch (IOException | RuntimeException e) {
            try {
                raf.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** One open data file, shared by its users. */
    static final class Shared {
        private final Path file;
        /** Set once, by the first user, under this object's lock; read without it. */
        private volatile FileChannel channel;
        /** Set with {@link #channel}, before it; {@code null} when the file cannot be written past the page cache. */
        private volatile FileChannel direct;
        private volatile int directAlignment;
        /** Guarded by {@link #OPEN}. */
        private int users;
        /** How many writes to the file have completed. */
        private final AtomicLong writes = new AtomicLong();
        /** Serialises the forces of this file. */
        private final Object forcing = new Object();
        /** Every write up to this number is durable; guarded by {@link #forcing}. */
        private long durableWrites;

        private Shared(Path file) {
            this.file = file;
        }

        FileChannel channel() {
            return channel;
        }

        /**
         * A second channel of the file that writes past the page cache ({@code O_DIRECT}), or {@code null} where
         * the filesystem does not offer it (tmpfs): the bytes go from one aligned buffer to the disk without being
         * copied into the page cache and written back from it, which on a virtual machine is most of the cost of
         * a write. Writes through it must be aligned to {@link #directAlignment()} in offset, length and memory.
         */
        FileChannel direct() {
            return direct;
        }

        /** The alignment {@link #direct()} needs (the filesystem's block size). */
        int directAlignment() {
            return directAlignment;
        }

        private void openDirect(Path path) {
            try {
                long alignment = Files.getFileStore(path).getBlockSize();
                if (alignment > 0 && alignment <= FilesystemBlobStore.BUFFER_SIZE
                        && FilesystemBlobStore.BUFFER_SIZE % alignment == 0) {
                    directAlignment = (int) alignment;
                    direct = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
                }
            } catch (IOException | UnsupportedOperationException e) {
                direct = null; // buffered writes, forced as before
            }
        }

        /** Counts a write to the file that has completed (its bytes are in the page cache), and answers its number. */
        long wrote() {
            return writes.incrementAndGet();
        }

        /**
         * Returns once write number {@code write} and every one before it are durable. One {@code fdatasync} covers
         * every write that completed before it began, so the stagings of one file share their forces: a staging
         * whose write an earlier force already covered returns at once, and while a slow force runs, the writes
         * that complete meanwhile wait for one force after it instead of one each.
         */
        void forceThrough(long write) throws IOException {
            synchronized (forcing) {
                if (durableWrites >= write) {
                    return;
                }
                long covered = writes.get();
                channel.force(false);
                durableWrites = covered;
            }
        }

        /**
         * Forgets this channel when it was closed under its users (a thread interrupted in the middle of an
         * operation on it closes it for everyone), so that the next {@link #acquire} opens the file again.
         */
        void retireIfClosed() {
            FileChannel open = channel;
            if (open != null && !open.isOpen()) {
                synchronized (OPEN) {
                    if (OPEN.get(file) == this) {
                        OPEN.remove(file);
                    }
                }
            }
        }

        /**
         * Ends this use; the last one closes the channel. Never throws. The channel is closed before any other
         * channel of the same path can be opened: closing it drops this process's locks on the file, so a
         * channel opened meanwhile would lose the region locks taken on it.
         */
        void release() {
            synchronized (OPEN) {
                if (--users > 0) {
                    return;
                }
                if (OPEN.get(file) == this) {
                    OPEN.remove(file);
                }
                for (FileChannel open : new FileChannel[] {direct, channel}) {
                    if (open != null) {
                        try {
                            open.close();
                        } catch (IOException e) {
                            // Everything written was forced before; nothing is lost by a failed close.
                        }
                    }
                }
            }
        }
    }
}

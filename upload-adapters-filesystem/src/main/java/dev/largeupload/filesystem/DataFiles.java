package dev.largeupload.filesystem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

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
                    shared.channel = create ? open(file, size, files)
                            : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
        /** Guarded by {@link #OPEN}. */
        private int users;

        private Shared(Path file) {
            this.file = file;
        }

        FileChannel channel() {
            return channel;
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
                FileChannel open = channel;
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

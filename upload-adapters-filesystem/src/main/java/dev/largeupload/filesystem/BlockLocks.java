package dev.largeupload.filesystem;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per block of a data file, for the whole JVM (every store instance on the same root shares
 * them): a lock exists only while some thread holds or waits for it, so the map never grows with the
 * number of uploads or blocks ever staged. Not reentrant on purpose: a thread that opens a block it
 * holds open is refused rather than deadlocked.
 */
final class BlockLocks {

    private static final ConcurrentHashMap<Key, Counted> LOCKS = new ConcurrentHashMap<>();

    private BlockLocks() {
    }

    /** Waits until block {@code block} of {@code file} is free, and takes it. */
    static Held lock(Path file, int block) {
        Key key = new Key(file, block);
        Counted counted = LOCKS.compute(key, (k, existing) -> {
            Counted c = existing == null ? new Counted() : existing;
            c.users++;
            return c;
        });
        if (counted.lock.isHeldByCurrentThread()) {
            release(key, counted);
            throw new IllegalStateException("block " + block + " of " + file.getFileName() + " is already open in this thread");
        }
        counted.lock.lock();
        return new Held(key, counted);
    }

    /** How many block locks exist right now (held or waited for): for tests. */
    static int size() {
        return LOCKS.size();
    }

    private static void release(Key key, Counted counted) {
        LOCKS.compute(key, (k, existing) -> {
            if (existing != counted) {
                throw new IllegalStateException("lock table out of step for " + k);
            }
            return --existing.users == 0 ? null : existing;
        });
    }

    /** A block lock taken by {@link #lock}; {@link #unlock} it once, from the thread that took it. */
    static final class Held {
        private final Key key;
        private final Counted counted;

        private Held(Key key, Counted counted) {
            this.key = key;
            this.counted = counted;
        }

        void unlock() {
            counted.lock.unlock();
            release(key, counted);
        }
    }

    private record Key(Path file, int block) {
    }

    private static final class Counted {
        final ReentrantLock lock = new ReentrantLock();
        /** Guarded by the map's compute of this key. */
        int users;
    }
}

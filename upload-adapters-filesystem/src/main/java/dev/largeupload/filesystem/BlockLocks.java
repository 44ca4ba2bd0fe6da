package dev.largeupload.filesystem;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One lock per block of a data file, for the whole JVM (every store instance on the same root shares
 * them): a lock exists only while some thread holds or waits for it, so the map never grows with the
 * number of uploads or blocks ever staged. A lock is a permit, not owned by a thread: the request's thread
 * takes it and the thread that makes the block durable and records it may give it back. Not reentrant: a
 * caller opens a block at most once at a time.
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
        counted.lock.acquireUninterruptibly();
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

    /** A block lock taken by {@link #lock}; {@link #unlock} it once, from any thread. */
    static final class Held {
        private final Key key;
        private final Counted counted;

        private Held(Key key, Counted counted) {
            this.key = key;
            this.counted = counted;
        }

        void unlock() {
            counted.lock.release();
            release(key, counted);
        }
    }

    private record Key(Path file, int block) {
    }

    private static final class Counted {
        final Semaphore lock = new Semaphore(1);
        /** Guarded by the map's compute of this key. */
        int users;
    }
}

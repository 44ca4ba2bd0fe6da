package dev.largeupload.domain.fakes;

import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.Admission;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.domain.port.OwnerUsage;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.RecordedBlock;
import java.time.Instant;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link MetadataStore} in a map, for tests of the domain and of code built on it. Every method
 * is synchronised, so recording, compare-and-set and creating within a limit are atomic across threads as the
 * port requires (within one JVM); it runs through {@code MetadataStoreContract} like the real stores. Like a real store, it changes state by compare-and-set only and does not judge
 * whether the state machine allows the change: that is the use cases' job.
 *
 * <p>A test can run code just before each block is recorded, outside the store's lock, with
 * {@link #beforeEachRecord}: to hold one record back until another has happened, for example.
 */
public final class InMemoryMetadataStore implements MetadataStore {

    private final Map<UploadId, UploadSession> sessions = new HashMap<>();
    private final Map<UploadId, SortedMap<Integer, RecordedBlock>> records = new HashMap<>();
    private final Map<UploadId, AppendState> appendStates = new HashMap<>();
    private final InMemoryEventOutbox outbox = new InMemoryEventOutbox();
    private volatile Consumer<BlockReceipt> beforeRecord = receipt -> { };
    private volatile Runnable beforeCountingActive = () -> { };

    @Override
    public void checkAvailable() {
        // Always there: it lives in this JVM.
    }

    @Override
    public synchronized void create(UploadSession session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException("an upload with id " + session.id() + " exists");
        }
    }

    @Override
    public synchronized boolean createWithinLimit(UploadSession session, int limit, Instant now) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is less than 1");
        }
        if (sessions.containsKey(session.id())) {
            throw new IllegalStateException("an upload with id " + session.id() + " exists");
        }
        if (activeAt(now) >= limit) {
            return false;
        }
        create(session);
        return true;
    }

    @Override
    public synchronized void create(UploadSession session, UploadEvent event) {
        create(session);
        outbox.add(event);
    }

    @Override
    public synchronized boolean createWithinLimit(UploadSession session, int limit, Instant now, UploadEvent event) {
        boolean created = createWithinLimit(session, limit, now);
        if (created) {
            outbox.add(event);
        }
        return created;
    }

    @Override
    public synchronized boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at,
                                                   UploadEvent event) {
        boolean changed = compareAndSetState(id, expected, next, at);
        if (changed) {
            outbox.add(event);
        }
        return changed;
    }

    @Override
    public EventOutbox outbox() {
        return outbox;
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now) {
        return createWithinQuota(session, quota, maxActive, now, Optional.empty());
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now, UploadEvent event) {
        return createWithinQuota(session, quota, maxActive, now, Optional.of(event));
    }

    private Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now,
                                        Optional<UploadEvent> event) {
        String owner = session.owner().orElseThrow(() -> new IllegalArgumentException("the session has no owner"));
        if (maxActive < 0) {
            throw new IllegalArgumentException("maxActive " + maxActive + " is negative");
        }
        beforeCountingActive.run();
        synchronized (this) {
            if (sessions.containsKey(session.id())) {
                throw new IllegalStateException("an upload with id " + session.id() + " exists");
            }
            Admission admission = Admission.decide(usageAt(owner, now), session.plan().fileSize(), quota,
                    maxActive > 0 ? activeAt(now) : 0, maxActive);
            if (admission.created()) {
                create(session);
                event.ifPresent(outbox::add);
            }
            return admission;
        }
    }

    @Override
    public synchronized OwnerUsage usageOf(String owner, Instant now) {
        return usageAt(owner, now);
    }

    private OwnerUsage usageAt(String owner, Instant now) {
        OwnerUsage usage = OwnerUsage.NONE;
        for (UploadSession s : sessions.values()) {
            if (s.owner().filter(owner::equals).isPresent() && s.state() == UploadState.ACTIVE
                    && s.expiresAt().isAfter(now)) {
                usage = usage.plus(s.plan().fileSize());
            }
        }
        return usage;
    }

    @Override
    public synchronized List<UploadSession> listNewestFirst(Optional<String> owner, Optional<ListPosition> after,
                                                            int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is less than 1");
        }
        return sessions.values().stream()
                .filter(s -> owner.isEmpty() || s.owner().equals(owner))
                .filter(s -> after.isEmpty() || after.get().isBefore(s))
                .sorted(ListPosition.NEWEST_FIRST)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized Optional<UploadSession> find(UploadId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public int recordBlock(UploadId id, BlockReceipt receipt) {
        beforeRecord.accept(receipt);
        synchronized (this) {
            return recordNow(id, receipt);
        }
    }

    /** Runs {@code hook} with each receipt just before it is recorded, on the recording thread, outside the lock. */
    public void beforeEachRecord(Consumer<BlockReceipt> hook) {
        this.beforeRecord = hook;
    }

    private int recordNow(UploadId id, BlockReceipt receipt) {
        UploadSession session = sessions.get(id);
        if (session == null) {
            throw new NotFound(id.value());
        }
        if (session.state() != UploadState.ACTIVE) {
            throw new NotActive("Upload " + id + " is " + session.state() + " and records no blocks.");
        }
        if (receipt.index() >= session.plan().blockCount()) {
            throw new IllegalArgumentException("block " + receipt.index() + " is outside a plan of "
                    + session.plan().blockCount() + " blocks");
        }
        UploadSession next = session.withBlockReceived(receipt.index(), receipt.receivedAt(), receipt.expiresAt());
        sessions.put(id, next);
        records.computeIfAbsent(id, k -> new TreeMap<>()).put(receipt.index(), receipt.record());
        return next.receivedBlockCount();
    }

    @Override
    public synchronized BitSet receivedBlocks(UploadId id) {
        UploadSession session = sessions.get(id);
        if (session == null) {
            throw new NotFound(id.value());
        }
        return session.received();
    }

    @Override
    public synchronized boolean hasBlock(UploadId id, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative block index " + index);
        }
        UploadSession session = sessions.get(id);
        if (session == null) {
            throw new NotFound(id.value());
        }
        return index < session.plan().blockCount() && session.hasReceivedBlock(index);
    }

    @Override
    public synchronized SortedMap<Integer, RecordedBlock> recordedBlocks(UploadId id) {
        if (!sessions.containsKey(id)) {
            throw new NotFound(id.value());
        }
        return new TreeMap<>(records.getOrDefault(id, new TreeMap<>()));
    }

    @Override
    public synchronized boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        UploadSession s = sessions.get(id);
        if (s == null || s.state() != expected) {
            return false;
        }
        sessions.put(id, UploadSession.restore(s.id(), s.fileName(), s.contentType(), s.plan(), s.received(), next,
                s.createdAt(), at, s.expiresAt(), s.tokenHash(), s.expectedSha256(), s.lengthDeferred(), s.transfer(),
                s.owner()));
        return true;
    }

    @Override
    public synchronized boolean declareLength(UploadId id, ChunkPlan declared) {
        UploadSession s = sessions.get(id);
        if (s == null) {
            throw new NotFound(id.value());
        }
        if (s.state() != UploadState.ACTIVE || !s.lengthDeferred() || s.plan().blockSize() != declared.blockSize()) {
            return false;
        }
        sessions.put(id, UploadSession.restore(s.id(), s.fileName(), s.contentType(), declared, s.received(),
                s.state(), s.createdAt(), s.updatedAt(), s.expiresAt(), s.tokenHash(), s.expectedSha256(), false,
                s.transfer(),
                s.owner()));
        return true;
    }

    @Override
    public synchronized void delete(UploadId id) {
        sessions.remove(id);
        records.remove(id);
        appendStates.remove(id);
    }

    @Override
    public synchronized Optional<AppendState> appendState(UploadId id) {
        if (!sessions.containsKey(id)) {
            throw new NotFound(id.value());
        }
        return Optional.ofNullable(appendStates.get(id));
    }

    @Override
    public synchronized boolean replaceAppendState(UploadId id, long expectedRevision, AppendState next) {
        if (next.revision() != expectedRevision + 1) {
            throw new IllegalArgumentException("revision " + next.revision() + " does not follow " + expectedRevision);
        }
        if (!sessions.containsKey(id)) {
            throw new NotFound(id.value());
        }
        AppendState held = appendStates.get(id);
        if ((held == null ? 0 : held.revision()) != expectedRevision) {
            return false;
        }
        appendStates.put(id, next);
        return true;
    }

    @Override
    public synchronized List<UploadId> listExpired(Instant now, int limit) {
        return sessions.values().stream()
                .filter(s -> s.state() == UploadState.ACTIVE && !s.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(UploadSession::expiresAt))
                .limit(limit)
                .map(UploadSession::id)
                .toList();
    }

    @Override
    public synchronized List<UploadId> listFinished(Instant changedBefore, int limit) {
        return sessions.values().stream()
                .filter(s -> (s.state() == UploadState.EXPIRED || s.state() == UploadState.ABORTED)
                        && !s.updatedAt().isAfter(changedBefore))
                .sorted(Comparator.comparing(UploadSession::updatedAt))
                .limit(limit)
                .map(UploadSession::id)
                .toList();
    }

    @Override
    public int countActive(Instant now) {
        beforeCountingActive.run();
        synchronized (this) {
            return activeAt(now);
        }
    }

    /**
     * Runs {@code hook} at the start of every {@link #countActive} call, before the store's lock is taken: a test
     * lines up concurrent callers with it (a barrier) to show that no use case checks the count and then acts.
     */
    public void beforeCountingActive(Runnable hook) {
        this.beforeCountingActive = hook;
    }

    private int activeAt(Instant now) {
        return (int) sessions.values().stream()
                .filter(s -> s.state() == UploadState.ACTIVE && s.expiresAt().isAfter(now))
                .count();
    }

    /** How many uploads are kept, in any state. */
    public synchronized int size() {
        return sessions.size();
    }
}

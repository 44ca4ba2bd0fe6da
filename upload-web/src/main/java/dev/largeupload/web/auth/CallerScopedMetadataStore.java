package dev.largeupload.web.auth;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.Admission;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.domain.port.OwnerUsage;
import dev.largeupload.domain.port.RecordedBlock;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The metadata store as the signed-in caller of the request on this thread ({@link CurrentCaller}) may see it,
 * installed only while sign-in is on. Every use case of every edge reads an upload through {@link #find} first, so
 * this one place makes another subject's upload answer exactly like an unknown one ({@link UploadSession#isVisibleTo}),
 * stamps a new upload with its creator's subject, and admits it within the creator's {@link OwnerQuota} in the
 * store's one atomic step ({@link MetadataStore#createWithinQuota}). A thread serving no request (the sweep) acts
 * for the system and sees every upload. Everything else goes to the store unchanged.
 */
public final class CallerScopedMetadataStore implements MetadataStore {

    private final MetadataStore store;
    private final OwnerQuota quota;

    public CallerScopedMetadataStore(MetadataStore store, OwnerQuota quota) {
        this.store = Objects.requireNonNull(store, "store");
        this.quota = Objects.requireNonNull(quota, "quota");
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        Optional<Caller> caller = CurrentCaller.get();
        return store.find(id).filter(session -> caller.isEmpty() || session.isVisibleTo(caller.get()));
    }

    @Override
    public void create(UploadSession session) {
        UploadSession owned = owned(session);
        if (owned.owner().isPresent() && quota.limits()) {
            admit(owned, 0, owned.createdAt());
        } else {
            store.create(owned);
        }
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now) {
        UploadSession owned = owned(session);
        if (owned.owner().isPresent() && quota.limits()) {
            return admit(owned, limit, now);
        }
        return store.createWithinLimit(owned, limit, now);
    }

    private boolean admit(UploadSession owned, int limit, Instant now) {
        Admission admission = store.createWithinQuota(owned, quota, limit, now);
        return admission.createdUnlessServerFull(quota, owned.plan().fileSize());
    }

    @Override
    public void create(UploadSession session, UploadEvent event) {
        UploadSession owned = owned(session);
        UploadEvent told = event.withSubject(owned.owner());
        if (owned.owner().isPresent() && quota.limits()) {
            store.createWithinQuota(owned, quota, 0, owned.createdAt(), told).createdUnlessServerFull(quota, owned.plan().fileSize());
        } else {
            store.create(owned, told);
        }
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now, UploadEvent event) {
        UploadSession owned = owned(session);
        UploadEvent told = event.withSubject(owned.owner());
        if (owned.owner().isPresent() && quota.limits()) {
            return store.createWithinQuota(owned, quota, limit, now, told).createdUnlessServerFull(quota, owned.plan().fileSize());
        }
        return store.createWithinLimit(owned, limit, now, told);
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota ownerQuota, int maxActive, Instant now, UploadEvent event) {
        return store.createWithinQuota(session, ownerQuota, maxActive, now, event);
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at, UploadEvent event) {
        return store.compareAndSetState(id, expected, next, at, event);
    }

    @Override
    public EventOutbox outbox() {
        return store.outbox();
    }

    /** The session with the signed-in caller as its owner, unless it has one already. */
    private static UploadSession owned(UploadSession session) {
        if (session.owner().isPresent()) {
            return session;
        }
        return CurrentCaller.get().flatMap(Caller::subject).map(subject -> session.withOwner(Optional.of(subject)))
                .orElse(session);
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota ownerQuota, int maxActive, Instant now) {
        return store.createWithinQuota(session, ownerQuota, maxActive, now);
    }

    @Override
    public OwnerUsage usageOf(String owner, Instant now) {
        return store.usageOf(owner, now);
    }

    @Override
    public List<UploadSession> listNewestFirst(Optional<String> owner, Optional<ListPosition> after, int limit) {
        return store.listNewestFirst(owner, after, limit);
    }

    @Override
    public void checkAvailable() {
        store.checkAvailable();
    }

    @Override
    public int recordBlock(UploadId id, BlockReceipt receipt) {
        return store.recordBlock(id, receipt);
    }

    @Override
    public BitSet receivedBlocks(UploadId id) {
        return store.receivedBlocks(id);
    }

    @Override
    public boolean hasBlock(UploadId id, int index) {
        return store.hasBlock(id, index);
    }

    @Override
    public SortedMap<Integer, RecordedBlock> recordedBlocks(UploadId id) {
        return store.recordedBlocks(id);
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        return store.compareAndSetState(id, expected, next, at);
    }

    @Override
    public boolean declareLength(UploadId id, ChunkPlan declared) {
        return store.declareLength(id, declared);
    }

    @Override
    public void delete(UploadId id) {
        store.delete(id);
    }

    @Override
    public List<UploadId> listExpired(Instant now, int limit) {
        return store.listExpired(now, limit);
    }

    @Override
    public List<UploadId> listFinished(Instant changedBefore, int limit) {
        return store.listFinished(changedBefore, limit);
    }

    @Override
    public int countActive(Instant now) {
        return store.countActive(now);
    }

    @Override
    public Optional<AppendState> appendState(UploadId id) {
        return store.appendState(id);
    }

    @Override
    public boolean replaceAppendState(UploadId id, long expectedRevision, AppendState next) {
        return store.replaceAppendState(id, expectedRevision, next);
    }
}

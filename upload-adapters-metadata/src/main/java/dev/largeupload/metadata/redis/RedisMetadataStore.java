package dev.largeupload.metadata.redis;

import static dev.largeupload.metadata.redis.RedisKeys.bytes;

import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.BlockReceipt;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.RecordedBlock;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.metadata.common.SessionCodec;
import dev.largeupload.metadata.common.SessionField;
import dev.largeupload.metadata.common.StoreCalls;
import dev.largeupload.metadata.redis.RedisKeys.UploadKeys;
import dev.largeupload.metadata.redis.RedisScripts.Changed;
import dev.largeupload.metadata.redis.RedisScripts.CompareAndSetArgs;
import dev.largeupload.metadata.redis.RedisScripts.CountActiveArgs;
import dev.largeupload.metadata.redis.RedisScripts.CreateArgs;
import dev.largeupload.metadata.redis.RedisScripts.Created;
import dev.largeupload.metadata.redis.RedisScripts.DeleteArgs;
import dev.largeupload.metadata.redis.RedisScripts.Found;
import dev.largeupload.metadata.redis.RedisScripts.HasBlockArgs;
import dev.largeupload.metadata.redis.RedisScripts.KeyExpiry;
import dev.largeupload.metadata.redis.RedisScripts.ListExpiredArgs;
import dev.largeupload.metadata.redis.RedisScripts.ListNewestArgs;
import dev.largeupload.metadata.redis.RedisScripts.OwnerUsageArgs;
import dev.largeupload.metadata.redis.RedisScripts.RecordBlockArgs;
import dev.largeupload.metadata.redis.RedisScripts.RecordBlockRefusal;
import dev.largeupload.metadata.redis.RedisScripts.ReplyCode;
import dev.largeupload.metadata.redis.RedisScripts.AppendStateSaved;
import dev.largeupload.metadata.redis.RedisScripts.ReplaceAppendStateArgs;
import dev.largeupload.domain.port.Admission;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.domain.port.OwnerUsage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@link MetadataStore} in Redis, shared by any number of servers. Keys, under a prefix
 * (default {@value #DEFAULT_PREFIX}):
 * <ul>
 *   <li>{@code <prefix>upload:<id>}: a hash of the session's fields ({@code state}, {@code file_name},
 *       times as UTC epoch milliseconds, …);</li>
 *   <li>{@code <prefix>upload:<id>:chunks}: a bitmap of the received blocks, bit {@code i} for block {@code i}
 *       ({@code SETBIT}/{@code BITCOUNT}/{@code GETBIT}; the key is named from before blocks, when a block was a
 *       chunk, and a hash without {@code block_size} is such an upload);</li>
 *   <li>{@code <prefix>upload:<id>:digests}: a hash of the received blocks' records, field the block index
 *       in decimal, value the SHA-256's 32 raw bytes followed by the staging attempt's 8 bytes (big-endian),
 *       one value, so that digest and attempt are always written and replaced together; a value of 32 bytes
 *       alone was written before attempts were kept (the legacy attempt). {@link #recordedBlocks} reads them
 *       with one {@code HGETALL};</li>
 *   <li>{@code <prefix>expiry}: a sorted set of the ids of <em>active</em> uploads scored by their expiry,
 *       which {@link #listExpired} reads with {@code ZRANGEBYSCORE … LIMIT} and {@link #countActive} from
 *       the given instant on;</li>
 *   <li>{@code <prefix>created}, {@code <prefix>owner:<owner>:created} and {@code <prefix>owner:<owner>:active}:
 *       sorted sets of ids scored by creation time, of every upload, of an owner's, and of an owner's that may still
 *       be active ({@code owner-uploads.lua}): {@link #listNewestFirst} reads the first two with
 *       {@code ZREVRANGEBYSCORE … LIMIT}, {@link #createWithinQuota} and {@link #usageOf} the third. Their members
 *       outlive the upload's keys; the scripts that read them drop those whose hash is gone.</li>
 *   <li>{@code <prefix>finished}: a sorted set of the ids of {@code EXPIRED} and {@code ABORTED} uploads scored
 *       by the time of that change, which {@link #listFinished} reads. Its members outlive the upload's keys
 *       (they expire, the member stays until {@link #delete}), so that a job still finds them.</li>
 * </ul>
 *
 * <p>Guarantees, beyond those of the port:
 * <ul>
 *   <li><b>Atomic</b>: every change is one Lua script, which Redis runs without interleaving any other
 *       command. Recording a block checks that the upload exists and is {@code ACTIVE}, sets its bit,
 *       stores its digest, pushes its expiry and counts the bits in one step, so it is serialised with every compare-and-set
 *       of the state: a block is recorded before a completion or refused after it, never in between.</li>
 *   <li><b>Multi-instance safe</b>: the scripts hold all the logic; no server keeps state of its own.</li>
 *   <li><b>Thread-safe</b>: connections are borrowed from a {@link JedisPool} for each call and returned.</li>
 *   <li><b>Self-cleaning</b>: the three keys of an upload expire ({@code PEXPIREAT}) a grace period
 *       (default {@value #DEFAULT_GRACE_DAYS} days) after its expiry, so that an expired upload still
 *       answers "expired" and the expiry job finds it, yet nothing is left behind for ever. A completed
 *       upload does not expire: its record serves downloads until it is deleted.</li>
 *   <li><b>Bounded</b>: a block index outside the upload's plan is refused with an
 *       {@link IllegalArgumentException} (the caller checked it against the plan; this is a bug) instead of growing
 *       the bitmap (an index near 2<sup>31</sup> would cost 256 MiB).</li>
 *   <li><b>Exact cap</b>: {@link #createWithinLimit} counts the active uploads and creates the new one in one
 *       script: below the limit one {@code ZCOUNT} of the expiry set decides; at it, the state of each member is read.</li>
 *   <li><b>Transactional outbox</b>: the event-writing methods add the event to the outbox ({@link RedisEventOutbox},
 *       keys under {@code <prefix>outbox:}) in the same script as the change (outbox.lua).</li>
 *   <li>The hash's fields are those of {@link SessionField}, mapped by {@link SessionCodec}; the scripts are
 *       resource files next to this class, with their keys, arguments and replies named in {@link RedisScripts}.</li>
 *   <li>Instants are kept as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 *
 * <p><b>Durability</b> is Redis's, not this class's: "durable once returned" holds only as far as the
 * server persists. Run it with {@code appendonly yes} and {@code appendfsync always} (every write on disk
 * before the reply: nothing acknowledged is lost, at the cost of a disk flush per write) or
 * {@code appendfsync everysec} (the usual choice: a crash of the Redis host loses up to about one second
 * of acknowledged writes, i.e. a few block receipts that clients will resend when they resume, or a
 * state change). RDB snapshots alone lose everything since the last snapshot, and a server with no
 * persistence loses all uploads when it restarts. With replication, a failover can lose what the old
 * primary acknowledged but had not yet replicated.
 *
 * <p>For standalone Redis or Sentinel, not Redis Cluster: {@link #listExpired} touches keys of many
 * uploads in one script, and so do {@link #countActive}, {@link #createWithinLimit} and the keys of an upload with the
 * shared sorted sets. Every {@link JedisException} becomes {@link StoreUnavailable}, without the
 * client's message.
 */
public final class RedisMetadataStore implements MetadataStore {

    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "largeupload:";
    static final int DEFAULT_GRACE_DAYS = 7;

    private final JedisPool pool;
    private final RedisKeys keys;
    private final Duration grace;
    private final Clock clock;

    /** A store on {@code pool} under the key prefix {@code keyPrefix}, with a grace period of 7 days. */
    public RedisMetadataStore(JedisPool pool, String keyPrefix) {
        this(pool, keyPrefix, Duration.ofDays(DEFAULT_GRACE_DAYS), Clock.systemUTC());
    }

    /**
     * A store on {@code pool} under {@code keyPrefix}, whose keys outlive an upload's expiry by {@code grace}.
     *
     * @param clock what "now" is when a key's expiry is set, so that an upload whose expiry has passed keeps its keys
     */
    public RedisMetadataStore(JedisPool pool, String keyPrefix, Duration grace, Clock clock) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.keys = new RedisKeys(keyPrefix);
        this.grace = Objects.requireNonNull(grace, "grace");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("negative grace period " + grace);
        }
    }

    /** A PING on a pooled connection. */
    @Override
    public void checkAvailable() {
        run("answer a ping", Jedis::ping);
    }

    @Override
    public void create(UploadSession session) {
        create(session, Optional.empty());
    }

    @Override
    public void create(UploadSession session, UploadEvent event) {
        create(session, Optional.of(event));
    }

    private void create(UploadSession session, Optional<UploadEvent> event) {
        if (create(session, 0, Instant.EPOCH, OwnerQuota.NONE, event).outcome() != Created.CREATED) {
            throw new IllegalStateException("an upload with id " + session.id() + " exists already");
        }
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now) {
        return createWithinLimit(session, limit, now, Optional.empty());
    }

    @Override
    public boolean createWithinLimit(UploadSession session, int limit, Instant now, UploadEvent event) {
        return createWithinLimit(session, limit, now, Optional.of(event));
    }

    private boolean createWithinLimit(UploadSession session, int limit, Instant now, Optional<UploadEvent> event) {
        StoreCalls.requireRoom(limit);
        return created(session, create(session, limit, now, OwnerQuota.NONE, event)).created();
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now) {
        StoreCalls.requireOwner(session, maxActive);
        return created(session, create(session, maxActive, now, quota, Optional.empty()));
    }

    @Override
    public Admission createWithinQuota(UploadSession session, OwnerQuota quota, int maxActive, Instant now, UploadEvent event) {
        StoreCalls.requireOwner(session, maxActive);
        return created(session, create(session, maxActive, now, quota, Optional.of(event)));
    }

    private static Admission created(UploadSession session, CreateReply reply) {
        Admission.Outcome outcome = switch (reply.outcome()) {
            case EXISTS -> throw new IllegalStateException("an upload with id " + session.id() + " exists already");
            case CREATED -> Admission.Outcome.CREATED;
            case FULL -> Admission.Outcome.SERVER_FULL;
            case OWNER_UPLOADS -> Admission.Outcome.OWNER_UPLOADS;
            case OWNER_BYTES -> Admission.Outcome.OWNER_BYTES;
        };
        return new Admission(outcome, reply.usage());
    }

    private record CreateReply(Created outcome, OwnerUsage usage) {
    }

    private CreateReply create(UploadSession session, int limit, Instant activeAt, OwnerQuota quota, Optional<UploadEvent> event) {
        CreateArgs args = new CreateArgs(keyExpiry(), session.id(), RedisBitmap.toRedisBitmap(session.received()),
                limit, activeAt.toEpochMilli(), keys.prefix(), session.owner().orElse(""), quota.maxUploads(),
                quota.maxBytes(), session.plan().fileSize(), RedisScripts.EventArgs.of(event), SessionCodec.text(session));
        List<?> reply = (List<?>) run("save upload " + session.id(),
                jedis -> RedisScripts.CREATE.run(jedis, keys.of(session.id()).all(), args.argv()));
        return new CreateReply(ReplyCode.of(Created.class, reply.get(0)),
                new OwnerUsage(Math.toIntExact((Long) reply.get(1)), Long.parseLong(string(reply.get(2)))));
    }

    @Override
    public OwnerUsage usageOf(String owner, Instant now) {
        List<?> reply = (List<?>) run("count the uploads of an owner", jedis -> RedisScripts.OWNER_USAGE.run(jedis,
                List.of(), new OwnerUsageArgs(keys.prefix(), owner, now.toEpochMilli()).argv()));
        return new OwnerUsage(Math.toIntExact((Long) reply.get(0)), Long.parseLong(string(reply.get(1))));
    }

    @Override
    public List<UploadSession> listNewestFirst(Optional<String> owner, Optional<ListPosition> after, int limit) {
        StoreCalls.requirePage(limit);
        byte[] index = owner.map(keys::ownerCreated).orElseGet(keys::created);
        ListNewestArgs args = new ListNewestArgs(keys.prefix(),
                after.map(p -> Long.toString(p.createdAt().toEpochMilli())).orElse("+inf"),
                after.map(p -> p.id().value()).orElse(""), limit);
        List<?> reply = (List<?>) run("list uploads",
                jedis -> RedisScripts.LIST_NEWEST.run(jedis, List.of(index), args.argv()));
        List<UploadSession> sessions = new ArrayList<>();
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            List<?> flat = (List<?>) reply.get(i + 1);
            Map<String, String> fields = new HashMap<>();
            for (int f = 0; f + 1 < flat.size(); f += 2) {
                fields.put(string(flat.get(f)), string(flat.get(f + 1)));
            }
            sessions.add(SessionCodec.decode(new UploadId(string(reply.get(i))), fields,
                    RedisBitmap.fromRedisBitmap((byte[]) reply.get(i + 2))));
        }
        return sessions;
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        UploadKeys upload = keys.of(id);
        Object reply = run("read upload " + id,
                jedis -> RedisScripts.FIND.run(jedis, List.of(upload.hash(), upload.chunks()), List.of()));
        if (reply == null) {
            return Optional.empty();
        }
        List<?> parts = (List<?>) reply;
        List<?> flat = (List<?>) parts.get(0);
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(string(flat.get(i)), string(flat.get(i + 1)));
        }
        return Optional.of(SessionCodec.decode(id, fields, RedisBitmap.fromRedisBitmap((byte[]) parts.get(1))));
    }

    @Override
    public int recordBlock(UploadId id, BlockReceipt receipt) {
        RecordBlockArgs args = new RecordBlockArgs(keyExpiry(), id, receipt.index(),
                receipt.receivedAt().toEpochMilli(), receipt.expiresAt().toEpochMilli(), recordValue(receipt.record()));
        List<?> reply = (List<?>) run("record block " + receipt.index() + " of upload " + id,
                jedis -> RedisScripts.RECORD_BLOCK.run(jedis, keys.of(id).all(), args.argv()));
        long outcome = (Long) reply.get(0);
        if (outcome >= 0) {
            return Math.toIntExact(outcome);
        }
        throw switch (ReplyCode.of(RecordBlockRefusal.class, outcome)) {
            case NO_SUCH_UPLOAD -> new NotFound(id.value());
            case NOT_ACTIVE -> new NotActive("Upload " + id + " is " + string(reply.get(1)).toLowerCase(Locale.ROOT)
                    + " and accepts no more chunks.");
            case OUT_OF_RANGE -> new IllegalArgumentException("block " + receipt.index() + " is outside a plan of "
                    + reply.get(1) + " blocks");
        };
    }

    @Override
    public BitSet receivedBlocks(UploadId id) {
        UploadKeys upload = keys.of(id);
        List<?> reply = (List<?>) run("read the blocks of upload " + id,
                jedis -> RedisScripts.RECEIVED_BLOCKS.run(jedis, List.of(upload.hash(), upload.chunks()), List.of()));
        if (ReplyCode.of(Found.class, reply.get(0)) == Found.MISSING) {
            throw new NotFound(id.value());
        }
        return RedisBitmap.fromRedisBitmap((byte[]) reply.get(1));
    }

    /** One script: {@code EXISTS} of the hash, then one {@code GETBIT} of the bitmap. */
    @Override
    public boolean hasBlock(UploadId id, int index) {
        StoreCalls.requireBlockIndex(index);
        UploadKeys upload = keys.of(id);
        List<?> reply = (List<?>) run("read block " + index + " of upload " + id, jedis -> RedisScripts.HAS_BLOCK.run(jedis,
                List.of(upload.hash(), upload.chunks()), new HasBlockArgs(index).argv()));
        if (ReplyCode.of(Found.class, reply.get(0)) == Found.MISSING) {
            throw new NotFound(id.value());
        }
        return (Long) reply.get(1) == 1L;
    }

    @Override
    public SortedMap<Integer, RecordedBlock> recordedBlocks(UploadId id) {
        UploadKeys upload = keys.of(id);
        List<?> reply = (List<?>) run("read the block digests of upload " + id,
                jedis -> RedisScripts.BLOCK_DIGESTS.run(jedis, List.of(upload.hash(), upload.digests()), List.of()));
        if (ReplyCode.of(Found.class, reply.get(0)) == Found.MISSING) {
            throw new NotFound(id.value());
        }
        List<?> flat = (List<?>) reply.get(1);
        SortedMap<Integer, RecordedBlock> records = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            records.put(Integer.parseInt(string(flat.get(i))), recordOf((byte[]) flat.get(i + 1)));
        }
        return records;
    }

    /** A block record as one hash value: the digest's 32 bytes, then the attempt's 8, big-endian. */
    static byte[] recordValue(RecordedBlock record) {
        return ByteBuffer.allocate(Sha256.LENGTH + Long.BYTES).put(record.sha256().bytes()).putLong(record.attempt().value()).array();
    }

    /** The inverse of {@link #recordValue}; 32 bytes alone are a digest recorded before attempts were kept. */
    static RecordedBlock recordOf(byte[] value) {
        if (value.length == Sha256.LENGTH) {
            return new RecordedBlock(Sha256.of(value), StagingAttempt.LEGACY);
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] digest = new byte[Sha256.LENGTH];
        buffer.get(digest);
        return new RecordedBlock(Sha256.of(digest), new StagingAttempt(buffer.getLong()));
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        return compareAndSetState(id, expected, next, at, Optional.empty());
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at, UploadEvent event) {
        return compareAndSetState(id, expected, next, at, Optional.of(event));
    }

    @Override
    public EventOutbox outbox() {
        return new RedisEventOutbox(keys.prefix(), this::run);
    }

    private boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at,
                                       Optional<UploadEvent> event) {
        CompareAndSetArgs args = new CompareAndSetArgs(keyExpiry(), id, expected, next, at.toEpochMilli(), keys.prefix(),
                RedisScripts.EventArgs.of(event));
        return ReplyCode.of(Changed.class, run("change the state of upload " + id,
                jedis -> RedisScripts.COMPARE_AND_SET_STATE.run(jedis, keys.of(id).all(), args.argv()))) == Changed.CHANGED;
    }

    @Override
    public void delete(UploadId id) {
        run("delete upload " + id, jedis -> RedisScripts.DELETE.run(jedis, keys.of(id).all(), new DeleteArgs(id).argv()));
    }

    @Override
    public Optional<AppendState> appendState(UploadId id) {
        List<byte[]> fields = run("read the append state of upload " + id,
                jedis -> jedis.hmget(keys.of(id).hash(), RedisKeys.bytes("state"), RedisKeys.bytes("append_revision"),
                        RedisKeys.bytes("append_state")));
        if (fields.get(0) == null) {
            throw new NotFound(id.value());
        }
        if (fields.get(1) == null || fields.get(2) == null) {
            return Optional.empty();
        }
        return Optional.of(AppendState.decode(Long.parseLong(string(fields.get(1))), string(fields.get(2))));
    }

    @Override
    public boolean replaceAppendState(UploadId id, long expectedRevision, AppendState next) {
        if (next.revision() != expectedRevision + 1) {
            throw new IllegalArgumentException("revision " + next.revision() + " does not follow " + expectedRevision);
        }
        ReplaceAppendStateArgs args = new ReplaceAppendStateArgs(expectedRevision, next.revision(), next.encode());
        AppendStateSaved saved = ReplyCode.of(AppendStateSaved.class, run("save the append state of upload " + id,
                jedis -> RedisScripts.REPLACE_APPEND_STATE.run(jedis, List.of(keys.of(id).hash()), args.argv())));
        if (saved == AppendStateSaved.MISSING) {
            throw new NotFound(id.value());
        }
        return saved == AppendStateSaved.SAVED;
    }

    @Override
    public boolean declareLength(UploadId id, ChunkPlan declared) {
        RedisScripts.DeclareLengthArgs args = new RedisScripts.DeclareLengthArgs(declared.fileSize(),
                declared.chunkCount(), declared.blockSize());
        RedisScripts.LengthDeclared answer = ReplyCode.of(RedisScripts.LengthDeclared.class, run(
                "declare the length of upload " + id,
                jedis -> RedisScripts.DECLARE_LENGTH.run(jedis, List.of(keys.of(id).hash()), args.argv())));
        if (answer == RedisScripts.LengthDeclared.MISSING) {
            throw new NotFound(id.value());
        }
        return answer == RedisScripts.LengthDeclared.DECLARED;
    }

    @Override
    public List<UploadId> listExpired(Instant now, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        ListExpiredArgs args = new ListExpiredArgs(now.toEpochMilli(), limit, keys.prefix());
        List<?> reply = (List<?>) run("list expired uploads",
                jedis -> RedisScripts.LIST_EXPIRED.run(jedis, List.of(keys.expiry()), args.argv()));
        List<UploadId> ids = new ArrayList<>(reply.size());
        for (Object id : reply) {
            ids.add(new UploadId(string(id)));
        }
        return ids;
    }

    @Override
    public List<UploadId> listFinished(Instant changedBefore, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        List<byte[]> reply = run("list finished uploads", jedis -> jedis.zrangeByScore(keys.finished(), bytes("-inf"),
                bytes(changedBefore.toEpochMilli()), 0, limit));
        List<UploadId> ids = new ArrayList<>(reply.size());
        for (byte[] id : reply) {
            ids.add(new UploadId(string(id)));
        }
        return ids;
    }

    @Override
    public int countActive(Instant now) {
        CountActiveArgs args = new CountActiveArgs(now.toEpochMilli(), keys.prefix());
        long count = (Long) run("count active uploads",
                jedis -> RedisScripts.COUNT_ACTIVE.run(jedis, List.of(keys.expiry()), args.argv()));
        return Math.toIntExact(count);
    }

    /** The head of the arguments of the scripts that set key expiry: now by this store's clock, and the grace. */
    private KeyExpiry keyExpiry() {
        return new KeyExpiry(clock.millis(), grace.toMillis());
    }

    private static String string(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    /** Runs {@code work} on a pooled connection, translating every client failure. */
    private <T> T run(String what, Function<Jedis, T> work) {
        try (Jedis jedis = pool.getResource()) {
            return work.apply(jedis);
        } catch (JedisException e) {
            if (e instanceof JedisConnectionException) {
                // The others idle in the pool most likely broke with this one (a restart, a failover):
                // drop them, so that the next calls connect afresh instead of failing one by one.
                pool.clear();
            }
            throw StoreCalls.unavailable("Redis metadata store", what, "", e);
        }
    }
}

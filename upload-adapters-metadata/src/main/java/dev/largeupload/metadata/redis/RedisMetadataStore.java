package dev.largeupload.metadata.redis;

import dev.largeupload.domain.error.UploadException.ChunkOutOfRange;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.FileName;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.ChunkReceipt;
import dev.largeupload.domain.port.RecordedChunk;
import dev.largeupload.domain.port.MetadataStore;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
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
 *   <li>{@code <prefix>upload:<id>:chunks}: a bitmap of the received chunks, bit {@code i} for chunk {@code i}
 *       ({@code SETBIT}/{@code BITCOUNT});</li>
 *   <li>{@code <prefix>upload:<id>:digests}: a hash of the received chunks' records, field the chunk index
 *       in decimal, value the SHA-256's 32 raw bytes followed by the staging attempt's 8 bytes (big-endian),
 *       one value, so that digest and attempt are always written and replaced together; a value of 32 bytes
 *       alone was written before attempts were kept (the legacy attempt). {@link #recordedChunks} reads them
 *       with one {@code HGETALL};</li>
 *   <li>{@code <prefix>expiry}: a sorted set of the ids of <em>active</em> uploads scored by their expiry,
 *       which {@link #listExpired} reads with {@code ZRANGEBYSCORE … LIMIT} and {@link #countActive} from
 *       the given instant on;</li>
 *   <li>{@code <prefix>finished}: a sorted set of the ids of {@code EXPIRED} and {@code ABORTED} uploads scored
 *       by the time of that change, which {@link #listFinished} reads. Its members outlive the upload's keys
 *       (they expire, the member stays until {@link #delete}), so that a job still finds them.</li>
 * </ul>
 *
 * <p>Guarantees, beyond those of the port:
 * <ul>
 *   <li><b>Atomic</b>: every change is one Lua script, which Redis runs without interleaving any other
 *       command. Recording a chunk checks that the upload exists and is {@code ACTIVE}, sets its bit,
 *       stores its digest, pushes its expiry and counts the bits in one step, so it is serialised with every compare-and-set
 *       of the state: a chunk is recorded before a completion or refused after it, never in between.</li>
 *   <li><b>Multi-instance safe</b>: the scripts hold all the logic; no server keeps state of its own.</li>
 *   <li><b>Thread-safe</b>: connections are borrowed from a {@link JedisPool} for each call and returned.</li>
 *   <li><b>Self-cleaning</b>: the three keys of an upload expire ({@code PEXPIREAT}) a grace period
 *       (default {@value #DEFAULT_GRACE_DAYS} days) after its expiry, so that an expired upload still
 *       answers "expired" and the expiry job finds it, yet nothing is left behind for ever. A completed
 *       upload does not expire: its record serves downloads until it is deleted.</li>
 *   <li><b>Bounded</b>: a chunk index outside the upload's plan is refused with
 *       {@link ChunkOutOfRange} instead of growing the bitmap (an index near 2<sup>31</sup> would cost 256 MiB).</li>
 *   <li>Instants are kept as UTC epoch milliseconds, so sub-millisecond precision is dropped.</li>
 * </ul>
 *
 * <p><b>Durability</b> is Redis's, not this class's: "durable once returned" holds only as far as the
 * server persists. Run it with {@code appendonly yes} and {@code appendfsync always} (every write on disk
 * before the reply: nothing acknowledged is lost, at the cost of a disk flush per write) or
 * {@code appendfsync everysec} (the usual choice: a crash of the Redis host loses up to about one second
 * of acknowledged writes, i.e. a few chunk receipts that clients will resend when they resume, or a
 * state change). RDB snapshots alone lose everything since the last snapshot, and a server with no
 * persistence loses all uploads when it restarts. With replication, a failover can lose what the old
 * primary acknowledged but had not yet replicated.
 *
 * <p>For standalone Redis or Sentinel, not Redis Cluster: {@link #listExpired} touches keys of many
 * uploads in one script, and so do {@link #countActive} and the keys of an upload with the shared sorted sets. Every {@link JedisException} becomes {@link StoreUnavailable}, without the
 * client's message.
 */
public final class RedisMetadataStore implements MetadataStore {

    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "largeupload:";
    static final int DEFAULT_GRACE_DAYS = 7;

    private static final String ACTIVE = UploadState.ACTIVE.name();

    /** Argument layout shared by the scripts that (re)compute key expiry: ARGV[1] now, ARGV[2] grace (ms). */
    private static final String DEADLINE = """
            local function deadline(expires_at)
              return string.format('%.0f', math.max(tonumber(expires_at), tonumber(ARGV[1])) + tonumber(ARGV[2]))
            end
            local function expire_keys(expires_at, state)
              if state == 'COMPLETED' then
                for i = 1, 3 do
                  redis.call('PERSIST', KEYS[i])
                end
              else
                local at = deadline(expires_at)
                for i = 1, 3 do
                  redis.call('PEXPIREAT', KEYS[i], at)
                end
              end
            end
            local function index_state(id, state, expires_at, updated_at)
              if state == 'ACTIVE' then
                redis.call('ZADD', KEYS[4], expires_at, id)
              else
                redis.call('ZREM', KEYS[4], id)
              end
              if state == 'EXPIRED' or state == 'ABORTED' then
                redis.call('ZADD', KEYS[5], updated_at, id)
              else
                redis.call('ZREM', KEYS[5], id)
              end
            end
            """;

    /** KEYS: {@link #keys}. ARGV: now, grace, id, bitmap, then field/value pairs. Returns 1, or 0 if the id exists. */
    private static final LuaScript CREATE = new LuaScript(DEADLINE + """
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return 0
            end
            redis.call('DEL', KEYS[2], KEYS[3])
            local fields = {}
            for i = 5, #ARGV do
              fields[#fields + 1] = ARGV[i]
            end
            redis.call('HSET', KEYS[1], unpack(fields))
            if #ARGV[4] > 0 then
              redis.call('SET', KEYS[2], ARGV[4])
            end
            local state = redis.call('HGET', KEYS[1], 'state')
            local expires_at = redis.call('HGET', KEYS[1], 'expires_at')
            index_state(ARGV[3], state, expires_at, redis.call('HGET', KEYS[1], 'updated_at'))
            expire_keys(expires_at, state)
            return 1
            """);

    /** KEYS: hash, chunks. Returns nil, or {hash as a flat list, bitmap}. */
    private static final LuaScript FIND = new LuaScript("""
            local fields = redis.call('HGETALL', KEYS[1])
            if #fields == 0 then
              return nil
            end
            return {fields, redis.call('GET', KEYS[2]) or ''}
            """);

    /** KEYS: hash, chunks. Returns {0} if there is no such upload, else {1, bitmap}. */
    private static final LuaScript CHUNKS = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return {0}
            end
            return {1, redis.call('GET', KEYS[2]) or ''}
            """);

    /** KEYS: hash, digests. Returns {0} if there is no such upload, else {1, digests hash as a flat list}. */
    private static final LuaScript DIGESTS = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return {0}
            end
            return {1, redis.call('HGETALL', KEYS[2])}
            """);

    /**
     * KEYS: {@link #keys}. ARGV: now, grace, id, index, received_at, expires_at, record (sha256 and attempt, 40 bytes).
     * Returns {count}, {-1} for no such upload, {-2, state} when not active, {-3, chunk_count} when out of range.
     */
    private static final LuaScript RECORD_CHUNK = new LuaScript(DEADLINE + """
            local state = redis.call('HGET', KEYS[1], 'state')
            if not state then
              return {-1}
            end
            if state ~= 'ACTIVE' then
              return {-2, state}
            end
            local chunk_count = tonumber(redis.call('HGET', KEYS[1], 'chunk_count'))
            if tonumber(ARGV[4]) >= chunk_count then
              return {-3, chunk_count}
            end
            redis.call('SETBIT', KEYS[2], ARGV[4], 1)
            redis.call('HSET', KEYS[3], ARGV[4], ARGV[7])
            redis.call('HSET', KEYS[1], 'updated_at', ARGV[5], 'expires_at', ARGV[6])
            redis.call('ZADD', KEYS[4], ARGV[6], ARGV[3])
            expire_keys(ARGV[6], state)
            return {redis.call('BITCOUNT', KEYS[2])}
            """);

    /** KEYS: {@link #keys}. ARGV: now, grace, id, expected, next, at. Returns 1 if this call changed the state. */
    private static final LuaScript COMPARE_AND_SET_STATE = new LuaScript(DEADLINE + """
            if redis.call('HGET', KEYS[1], 'state') ~= ARGV[4] then
              return 0
            end
            redis.call('HSET', KEYS[1], 'state', ARGV[5], 'updated_at', ARGV[6])
            local expires_at = redis.call('HGET', KEYS[1], 'expires_at')
            index_state(ARGV[3], ARGV[5], expires_at, ARGV[6])
            expire_keys(expires_at, ARGV[5])
            return 1
            """);

    /** KEYS: {@link #keys}. ARGV: id. */
    private static final LuaScript DELETE = new LuaScript("""
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            redis.call('ZREM', KEYS[4], ARGV[1])
            redis.call('ZREM', KEYS[5], ARGV[1])
            return 1
            """);

    /**
     * KEYS: expiry. ARGV: now, limit, prefix. Ids of active uploads expired at or before now; drops
     * members whose upload is gone (its keys expired) or no longer active, so they cannot crowd the limit.
     */
    private static final LuaScript LIST_EXPIRED = new LuaScript("""
            local limit = tonumber(ARGV[2])
            local found = {}
            local offset = 0
            while #found < limit do
              local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', offset, limit - #found)
              if #ids == 0 then
                break
              end
              for _, id in ipairs(ids) do
                if redis.call('HGET', ARGV[3] .. 'upload:' .. id, 'state') == 'ACTIVE' then
                  found[#found + 1] = id
                  offset = offset + 1
                else
                  redis.call('ZREM', KEYS[1], id)
                end
              end
            end
            return found
            """);

    /**
     * KEYS: expiry. ARGV: now, prefix. How many members expire after now and are active uploads; drops the
     * others (an upload whose keys are gone), so the count is exact whatever happened to the keys. Reads every
     * active upload's state: as many as the cap on active uploads allows.
     */
    private static final LuaScript COUNT_ACTIVE = new LuaScript("""
            local count = 0
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')) do
              if redis.call('HGET', ARGV[2] .. 'upload:' .. id, 'state') == 'ACTIVE' then
                count = count + 1
              else
                redis.call('ZREM', KEYS[1], id)
              end
            end
            return count
            """);

    private final JedisPool pool;
    private final String prefix;
    private final Duration grace;
    private final Clock clock;
    private final byte[] expiryKey;
    private final byte[] finishedKey;

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
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("negative grace period " + grace);
        }
        this.expiryKey = bytes(prefix + "expiry");
        this.finishedKey = bytes(prefix + "finished");
    }

    /** A PING on a pooled connection. */
    @Override
    public void checkAvailable() {
        run("answer a ping", Jedis::ping);
    }

    @Override
    public void create(UploadSession session) {
        List<byte[]> args = new ArrayList<>(expiryArgs(session.id()));
        args.add(toRedisBitmap(session.received()));
        field(args, "file_name", session.fileName().value());
        field(args, "content_type", session.contentType());
        field(args, "file_size", session.plan().fileSize());
        field(args, "chunk_size", session.plan().chunkSize());
        field(args, "chunk_count", session.plan().chunkCount());
        field(args, "state", session.state().name());
        field(args, "created_at", session.createdAt().toEpochMilli());
        field(args, "updated_at", session.updatedAt().toEpochMilli());
        field(args, "expires_at", session.expiresAt().toEpochMilli());
        field(args, "token_hash", session.tokenHash());
        session.expectedSha256().ifPresent(sha256 -> field(args, "expected_sha256", sha256));
        long created = (Long) run("save upload " + session.id(), jedis -> CREATE.run(jedis, keys(session.id()), args));
        if (created == 0) {
            throw new IllegalStateException("an upload with id " + session.id() + " exists already");
        }
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        Object reply = run("read upload " + id, jedis -> FIND.run(jedis, keys(id).subList(0, 2), List.of()));
        if (reply == null) {
            return Optional.empty();
        }
        List<?> parts = (List<?>) reply;
        List<?> flat = (List<?>) parts.get(0);
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(string(flat.get(i)), string(flat.get(i + 1)));
        }
        return Optional.of(UploadSession.restore(id, new FileName(fields.get("file_name")), fields.get("content_type"),
                new ChunkPlan(Long.parseLong(fields.get("file_size")), Long.parseLong(fields.get("chunk_size")),
                        Integer.parseInt(fields.get("chunk_count"))),
                fromRedisBitmap((byte[]) parts.get(1)), UploadState.valueOf(fields.get("state")),
                instant(fields, "created_at"), instant(fields, "updated_at"), instant(fields, "expires_at"),
                fields.get("token_hash"), Optional.ofNullable(fields.get("expected_sha256"))));
    }

    @Override
    public int recordChunk(UploadId id, ChunkReceipt receipt) {
        List<byte[]> args = new ArrayList<>(expiryArgs(id));
        args.add(bytes(receipt.index()));
        args.add(bytes(receipt.receivedAt().toEpochMilli()));
        args.add(bytes(receipt.expiresAt().toEpochMilli()));
        args.add(recordValue(receipt.record()));
        List<?> reply = (List<?>) run("record chunk " + receipt.index() + " of upload " + id,
                jedis -> RECORD_CHUNK.run(jedis, keys(id), args));
        long outcome = (Long) reply.get(0);
        if (outcome == -1) {
            throw new NotFound(id.value());
        }
        if (outcome == -2) {
            throw new NotActive("Upload " + id + " is " + string(reply.get(1)).toLowerCase(Locale.ROOT)
                    + " and accepts no more chunks.");
        }
        if (outcome == -3) {
            throw new ChunkOutOfRange(receipt.index(), Math.toIntExact((Long) reply.get(1)));
        }
        return Math.toIntExact(outcome);
    }

    @Override
    public BitSet receivedChunks(UploadId id) {
        List<?> reply = (List<?>) run("read the chunks of upload " + id,
                jedis -> CHUNKS.run(jedis, keys(id).subList(0, 2), List.of()));
        if ((Long) reply.get(0) == 0) {
            throw new NotFound(id.value());
        }
        return fromRedisBitmap((byte[]) reply.get(1));
    }

    @Override
    public SortedMap<Integer, RecordedChunk> recordedChunks(UploadId id) {
        List<byte[]> keys = keys(id);
        List<?> reply = (List<?>) run("read the chunk digests of upload " + id,
                jedis -> DIGESTS.run(jedis, List.of(keys.get(0), keys.get(2)), List.of()));
        if ((Long) reply.get(0) == 0) {
            throw new NotFound(id.value());
        }
        List<?> flat = (List<?>) reply.get(1);
        SortedMap<Integer, RecordedChunk> records = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            records.put(Integer.parseInt(string(flat.get(i))), recordOf((byte[]) flat.get(i + 1)));
        }
        return records;
    }

    /** A chunk record as one hash value: the digest's 32 bytes, then the attempt's 8, big-endian. */
    static byte[] recordValue(RecordedChunk record) {
        return ByteBuffer.allocate(Sha256.LENGTH + Long.BYTES).put(record.sha256().bytes()).putLong(record.attempt().value()).array();
    }

    /** The inverse of {@link #recordValue}; 32 bytes alone are a digest recorded before attempts were kept. */
    static RecordedChunk recordOf(byte[] value) {
        if (value.length == Sha256.LENGTH) {
            return new RecordedChunk(Sha256.of(value), StagingAttempt.LEGACY);
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        byte[] digest = new byte[Sha256.LENGTH];
        buffer.get(digest);
        return new RecordedChunk(Sha256.of(digest), new StagingAttempt(buffer.getLong()));
    }

    @Override
    public boolean compareAndSetState(UploadId id, UploadState expected, UploadState next, Instant at) {
        List<byte[]> args = new ArrayList<>(expiryArgs(id));
        args.add(bytes(expected.name()));
        args.add(bytes(next.name()));
        args.add(bytes(at.toEpochMilli()));
        return (Long) run("change the state of upload " + id,
                jedis -> COMPARE_AND_SET_STATE.run(jedis, keys(id), args)) == 1;
    }

    @Override
    public void delete(UploadId id) {
        run("delete upload " + id, jedis -> DELETE.run(jedis, keys(id), List.of(bytes(id.value()))));
    }

    @Override
    public List<UploadId> listExpired(Instant now, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        List<?> reply = (List<?>) run("list expired uploads", jedis -> LIST_EXPIRED.run(jedis, List.of(expiryKey),
                List.of(bytes(now.toEpochMilli()), bytes(limit), bytes(prefix))));
        List<UploadId> ids = new ArrayList<>(reply.size());
        for (Object id : reply) {
            ids.add(new UploadId(string(id)));
        }
        return ids;
    }

    @Override
    public List<UploadId> listFinished(Instant changedBefore, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        List<byte[]> reply = run("list finished uploads", jedis -> jedis.zrangeByScore(finishedKey, bytes("-inf"),
                bytes(changedBefore.toEpochMilli()), 0, limit));
        List<UploadId> ids = new ArrayList<>(reply.size());
        for (byte[] id : reply) {
            ids.add(new UploadId(string(id)));
        }
        return ids;
    }

    @Override
    public int countActive(Instant now) {
        long count = (Long) run("count active uploads", jedis -> COUNT_ACTIVE.run(jedis, List.of(expiryKey),
                List.of(bytes(now.toEpochMilli()), bytes(prefix))));
        return Math.toIntExact(count);
    }

    /** Bit {@code i} of a Redis bitmap is bit {@code 7 - i % 8} of byte {@code i / 8}: big-endian within each byte. */
    static BitSet fromRedisBitmap(byte[] bitmap) {
        BitSet bits = new BitSet(bitmap.length * 8);
        for (int i = 0; i < bitmap.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if ((bitmap[i] & (0x80 >>> bit)) != 0) {
                    bits.set(i * 8 + bit);
                }
            }
        }
        return bits;
    }

    /** The inverse of {@link #fromRedisBitmap}; an empty set is zero bytes. */
    static byte[] toRedisBitmap(BitSet bits) {
        byte[] bitmap = new byte[(bits.length() + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            bitmap[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return bitmap;
    }

    /** The keys of upload {@code id}, in the order the scripts expect: hash, chunks, digests, expiry, finished. */
    private List<byte[]> keys(UploadId id) {
        String hash = prefix + "upload:" + id.value();
        return List.of(bytes(hash), bytes(hash + ":chunks"), bytes(hash + ":digests"), expiryKey, finishedKey);
    }

    /** The ARGV head that {@link #DEADLINE} expects, followed by the id. */
    private List<byte[]> expiryArgs(UploadId id) {
        return List.of(bytes(clock.millis()), bytes(grace.toMillis()), bytes(id.value()));
    }

    private static void field(List<byte[]> args, String name, Object value) {
        args.add(bytes(name));
        args.add(bytes(String.valueOf(value)));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(long value) {
        return bytes(Long.toString(value));
    }

    private static String string(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    private static Instant instant(Map<String, String> fields, String name) {
        return Instant.ofEpochMilli(Long.parseLong(fields.get(name)));
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
            throw unavailable(what, e);
        }
    }

    private static StoreUnavailable unavailable(String what, JedisException e) {
        // A client that was interrupted reports it as a connection failure; the thread must still see the interrupt.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof ClosedByInterruptException
                    || (cause instanceof InterruptedIOException && !(cause instanceof SocketTimeoutException))) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new StoreUnavailable("The Redis metadata store could not " + what + "; try again shortly.", e);
    }
}

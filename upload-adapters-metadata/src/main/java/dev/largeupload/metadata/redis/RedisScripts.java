package dev.largeupload.metadata.redis;

import static dev.largeupload.metadata.redis.RedisKeys.bytes;

import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Lua scripts of {@link RedisMetadataStore}, from the resource files next to this class, with their
 * arguments by name (a record per script whose {@link #argv} is the script's ARGV, in the order of the script's
 * header) and their numeric replies by name (an enum per kind of reply, whose codes the scripts' locals mirror).
 */
final class RedisScripts {

    private static final String KEY_EXPIRY = "key-expiry.lua";
    private static final String ACTIVE_UPLOADS = "active-uploads.lua";
    private static final String OUTBOX = "outbox.lua";
    private static final String OWNER_UPLOADS = "owner-uploads.lua";

    static final LuaScript CREATE = LuaScript.load(KEY_EXPIRY, ACTIVE_UPLOADS, OWNER_UPLOADS, OUTBOX, "create.lua");
    static final LuaScript OWNER_USAGE = LuaScript.load(OWNER_UPLOADS, "owner-usage.lua");
    static final LuaScript LIST_NEWEST = LuaScript.load("list-newest.lua");
    static final LuaScript FIND = LuaScript.load("find.lua");
    static final LuaScript RECEIVED_BLOCKS = LuaScript.load("received-blocks.lua");
    static final LuaScript HAS_BLOCK = LuaScript.load("has-block.lua");
    static final LuaScript BLOCK_DIGESTS = LuaScript.load("block-digests.lua");
    static final LuaScript RECORD_BLOCK = LuaScript.load(KEY_EXPIRY, "record-block.lua");
    static final LuaScript COMPARE_AND_SET_STATE = LuaScript.load(KEY_EXPIRY, OUTBOX, "compare-and-set-state.lua");
    static final LuaScript OUTBOX_CLAIM = LuaScript.load("outbox-claim.lua");
    static final LuaScript OUTBOX_RELEASE = LuaScript.load("outbox-release.lua");
    static final LuaScript OUTBOX_REMOVE = LuaScript.load("outbox-remove.lua");
    static final LuaScript DELETE = LuaScript.load("delete.lua");
    static final LuaScript REPLACE_APPEND_STATE = LuaScript.load("replace-append-state.lua");
    static final LuaScript DECLARE_LENGTH = LuaScript.load("declare-length.lua");
    static final LuaScript LIST_EXPIRED = LuaScript.load("list-expired.lua");
    static final LuaScript COUNT_ACTIVE = LuaScript.load(ACTIVE_UPLOADS, "count-active.lua");

    private RedisScripts() {
    }

    /** A numeric reply of a script, by name. */
    interface ReplyCode {
        long code();

        /** The constant of {@code type} whose code {@code reply} is. @throws IllegalStateException for any other */
        static <E extends Enum<E> & ReplyCode> E of(Class<E> type, Object reply) {
            long code = (Long) reply;
            for (E constant : type.getEnumConstants()) {
                if (constant.code() == code) {
                    return constant;
                }
            }
            throw new IllegalStateException("reply " + code + " is none of " + type.getSimpleName());
        }
    }

    /** What create.lua answers. */
    enum Created implements ReplyCode {
        EXISTS(0), CREATED(1), FULL(2), OWNER_UPLOADS(3), OWNER_BYTES(4);

        private final long code;

        Created(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    /** What received-blocks.lua, has-block.lua and block-digests.lua answer first. */
    enum Found implements ReplyCode {
        MISSING(0), FOUND(1);

        private final long code;

        Found(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    /** What compare-and-set-state.lua answers. */
    /** Replies of replace-append-state.lua. */
    enum AppendStateSaved implements ReplyCode {
        MISSING(0), STALE(1), SAVED(2);

        private final long code;

        AppendStateSaved(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    /** What declare-length.lua answers. */
    enum LengthDeclared implements ReplyCode {
        MISSING(0), UNCHANGED(1), DECLARED(2);

        private final long code;

        LengthDeclared(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    enum Changed implements ReplyCode {
        UNCHANGED(0), CHANGED(1);

        private final long code;

        Changed(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    /** The refusals of record-block.lua, a negative first element of its reply; a count is never negative. */
    enum RecordBlockRefusal implements ReplyCode {
        NO_SUCH_UPLOAD(-1), NOT_ACTIVE(-2), OUT_OF_RANGE(-3);

        private final long code;

        RecordBlockRefusal(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    /**
     * ARGV[1..2] of the scripts that prepend key-expiry.lua.
     *
     * @param nowMillis this server's clock, so that an upload whose expiry has passed keeps its keys a grace period
     * @param graceMillis how long the keys outlive the upload's expiry
     */
    record KeyExpiry(long nowMillis, long graceMillis) {

        private List<byte[]> head(UploadId id) {
            List<byte[]> argv = new ArrayList<>();
            argv.add(bytes(nowMillis));
            argv.add(bytes(graceMillis));
            argv.add(bytes(id.value()));
            return argv;
        }
    }

    /**
     * ARGV of create.lua.
     *
     * @param limit create only while fewer uploads are active; 0 for no limit
     * @param activeAtMillis the instant at which uploads count as active
     * @param fields the session's fields as text, by name
     */
    record CreateArgs(KeyExpiry expiry, UploadId id, byte[] bitmap, int limit, long activeAtMillis, String prefix,
                      String owner, int maxUploads, long maxBytes, long fileSize, EventArgs event,
                      Map<String, String> fields) {

        List<byte[]> argv() {
            List<byte[]> argv = expiry.head(id);
            argv.add(bitmap);
            argv.add(bytes(limit));
            argv.add(bytes(activeAtMillis));
            argv.add(bytes(prefix));
            argv.add(bytes(owner));
            argv.add(bytes(maxUploads));
            argv.add(bytes(maxBytes));
            argv.add(bytes(fileSize));
            event.addTo(argv);
            fields.forEach((name, value) -> {
                argv.add(bytes(name));
                argv.add(bytes(value));
            });
            return argv;
        }
    }

    /**
     * The event that create.lua or compare-and-set-state.lua adds to the outbox with its change (see outbox.lua).
     *
     * @param id   the event's id; empty for none
     * @param body the event as {@link dev.largeupload.metadata.common.EventCodec} writes it
     */
    record EventArgs(String id, String body) {

        static final EventArgs NONE = new EventArgs("", "");

        static EventArgs of(java.util.Optional<dev.largeupload.domain.model.UploadEvent> event) {
            return event.map(e -> new EventArgs(e.id(), dev.largeupload.metadata.common.EventCodec.encode(e)))
                    .orElse(NONE);
        }

        private void addTo(List<byte[]> argv) {
            argv.add(bytes(id));
            argv.add(bytes(body));
        }
    }

    /** What outbox-release.lua and outbox-remove.lua answer. */
    enum Held implements ReplyCode {
        NOT_HELD(0), DONE(1);

        private final long code;

        Held(long code) {
            this.code = code;
        }

        @Override
        public long code() {
            return code;
        }
    }

    /** ARGV of record-block.lua. */
    record RecordBlockArgs(KeyExpiry expiry, UploadId id, int index, long receivedAtMillis, long expiresAtMillis,
                           byte[] record) {

        List<byte[]> argv() {
            List<byte[]> argv = expiry.head(id);
            argv.add(bytes(index));
            argv.add(bytes(receivedAtMillis));
            argv.add(bytes(expiresAtMillis));
            argv.add(record);
            return argv;
        }
    }

    /** ARGV of compare-and-set-state.lua. */
    record CompareAndSetArgs(KeyExpiry expiry, UploadId id, UploadState expected, UploadState next, long atMillis,
                             String prefix, EventArgs event) {

        List<byte[]> argv() {
            List<byte[]> argv = expiry.head(id);
            argv.add(bytes(expected.name()));
            argv.add(bytes(next.name()));
            argv.add(bytes(atMillis));
            argv.add(bytes(prefix));
            event.addTo(argv);
            return argv;
        }
    }

    /** ARGV of has-block.lua. */
    record HasBlockArgs(int index) {

        List<byte[]> argv() {
            return List.of(bytes(index));
        }
    }

    /** ARGV of delete.lua. */
    /** ARGV of replace-append-state.lua. */
    record ReplaceAppendStateArgs(long expectedRevision, long nextRevision, String state) {

        List<byte[]> argv() {
            return List.of(bytes(expectedRevision), bytes(nextRevision), bytes(state));
        }
    }

    /** ARGV of declare-length.lua. */
    record DeclareLengthArgs(long fileSize, int chunkCount, long blockSize) {

        List<byte[]> argv() {
            return List.of(bytes(fileSize), bytes(chunkCount), bytes(blockSize));
        }
    }

    record DeleteArgs(UploadId id) {

        List<byte[]> argv() {
            return List.of(bytes(id.value()));
        }
    }

    /** ARGV of list-expired.lua. */
    record ListExpiredArgs(long nowMillis, int limit, String prefix) {

        List<byte[]> argv() {
            return List.of(bytes(nowMillis), bytes(limit), bytes(prefix));
        }
    }

    /** ARGV of owner-usage.lua. */
    record OwnerUsageArgs(String prefix, String owner, long nowMillis) {

        List<byte[]> argv() {
            return List.of(bytes(prefix), bytes(owner), bytes(nowMillis));
        }
    }

    /**
     * ARGV of list-newest.lua.
     *
     * @param max the creation time to start at ({@code +inf} for the newest)
     * @param after the id of the last upload of the previous page ('' for none)
     */
    record ListNewestArgs(String prefix, String max, String after, int limit) {

        List<byte[]> argv() {
            return List.of(bytes(prefix), bytes(max), bytes(after), bytes(limit));
        }
    }

    /** ARGV of count-active.lua. */
    record CountActiveArgs(long nowMillis, String prefix) {

        List<byte[]> argv() {
            return List.of(bytes(nowMillis), bytes(prefix));
        }
    }
}

package dev.largeupload.metadata.redis;

import static dev.largeupload.metadata.redis.RedisKeys.bytes;

import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.metadata.common.EventCodec;
import dev.largeupload.metadata.common.StoreCalls;
import dev.largeupload.metadata.redis.RedisScripts.Held;
import dev.largeupload.metadata.redis.RedisScripts.ReplyCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import redis.clients.jedis.Jedis;

/**
 * The {@link EventOutbox} of {@link RedisMetadataStore}, in the keys that outbox.lua describes. A claim is one
 * script that moves each claimed upload's score in {@code outbox:due} to the end of the lease: Redis runs scripts one
 * at a time, so of any number of servers claiming at once exactly one sees an event due. Releasing and removing are
 * scripts that first check that the caller is the event's claimant.
 */
final class RedisEventOutbox implements EventOutbox {

    /** How {@link RedisMetadataStore} runs work on a pooled connection, translating every client failure. */
    interface Calls {
        <T> T run(String what, Function<Jedis, T> work);
    }

    private final String prefix;
    private final Calls calls;

    RedisEventOutbox(String prefix, Calls calls) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    @Override
    public List<PendingEvent> claimDue(String claimant, Instant now, Duration lease, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        List<byte[]> argv = List.of(bytes(prefix), bytes(now.toEpochMilli()), bytes(now.plus(lease).toEpochMilli()),
                bytes(claimant), bytes(limit));
        List<?> reply = (List<?>) calls.run("claim due events",
                jedis -> RedisScripts.OUTBOX_CLAIM.run(jedis, List.of(), argv));
        List<PendingEvent> claimed = new ArrayList<>();
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            claimed.add(new PendingEvent(EventCodec.decode(text(reply.get(i))), Integer.parseInt(text(reply.get(i + 1))),
                    EventCodec.decodeDestinations(text(reply.get(i + 2)))));
        }
        return claimed;
    }

    @Override
    public boolean release(String eventId, String claimant, Instant retryAt, Set<String> deliveredTo) {
        List<byte[]> argv = List.of(bytes(prefix), bytes(eventId), bytes(claimant), bytes(retryAt.toEpochMilli()),
                bytes(EventCodec.encodeDestinations(deliveredTo)));
        return ReplyCode.of(Held.class, calls.run("release event " + eventId,
                jedis -> RedisScripts.OUTBOX_RELEASE.run(jedis, List.of(), argv))) == Held.DONE;
    }

    @Override
    public boolean remove(String eventId, String claimant) {
        List<byte[]> argv = List.of(bytes(prefix), bytes(eventId), bytes(claimant));
        return ReplyCode.of(Held.class, calls.run("remove event " + eventId,
                jedis -> RedisScripts.OUTBOX_REMOVE.run(jedis, List.of(), argv))) == Held.DONE;
    }

    @Override
    public long backlog() {
        String count = calls.run("count the events in the outbox", jedis -> jedis.get(prefix + "outbox:count"));
        return count == null ? 0 : Long.parseLong(count);
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}

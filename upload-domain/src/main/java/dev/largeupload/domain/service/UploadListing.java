package dev.largeupload.domain.service;

import dev.largeupload.domain.model.Caller;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;

import dev.largeupload.domain.port.ListPosition;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.usecase.ListUploadsUseCase;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * "My uploads": the uploads of a caller, newest first, a page at a time, filtered by {@link Listed state}. A
 * signed-in caller's come from the store's index by owner ({@link MetadataStore#listNewestFirst}); an
 * administrator's are every upload; a caller who is not signed in lists exactly the uploads whose tokens it
 * presents, and nothing else. Reads only; thread-safe.
 */
public final class UploadListing implements ListUploadsUseCase {

    /** The most items on one page, and the most tokens one caller may present. */
    public static final int MAX_PAGE = 200;
    /** Records read from the index for one page at most, so that a rare state cannot make one request read all. */
    private static final int MAX_SCANNED = 2_000;

    /** The state of an upload as a list shows it: what a person can do with it. */
    public enum Listed {
        /** Receiving data (or being completed). */
        ACTIVE,
        /** A file that can be downloaded. */
        COMPLETED,
        /** Idle past its expiry: its data is gone or about to go. */
        EXPIRED,
        /** Deleted by its owner, while its record is still kept. */
        ABORTED;

        /** The lower-case name used in the API. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** How {@code session} is listed at {@code now}. */
        public static Listed of(UploadSession session, Instant now) {
            if (session.isExpiredAt(now)) {
                return EXPIRED;
            }
            return switch (session.state()) {
                case ACTIVE, COMPLETING -> ACTIVE;
                case COMPLETED -> COMPLETED;
                case ABORTED -> ABORTED;
                case EXPIRED -> EXPIRED;
            };
        }
    }

    /**
     * One page of uploads, newest first.
     *
     * @param items the uploads of this page (fewer than asked for when the list ends, or when a rare state meant
     *              reading many records for few; {@code next} then says where to go on)
     * @param next  where the next page starts; empty when there are no more
     */
    public record Page(List<UploadSession> items, Optional<ListPosition> next) {
    }

    private final MetadataStore metadata;
    private final Clock clock;

    public UploadListing(MetadataStore metadata, Clock clock) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The uploads of a signed-in {@code caller} (every upload for an administrator), in {@code state} when given,
     * after {@code after}, at most {@code limit}.
     *
     * @throws IllegalArgumentException if the caller is not signed in, or {@code limit} is not 1..{@value #MAX_PAGE}
     */
    @Override
    public Page mine(Caller caller, Optional<Listed> state, Optional<ListPosition> after, int limit) {
        requireLimit(limit);
        if (!caller.isSignedIn()) {
            throw new IllegalArgumentException("a caller who is not signed in lists the uploads whose tokens it presents");
        }
        Optional<String> owner = caller.admin() ? Optional.empty() : caller.subject();
        Instant now = clock.instant();
        List<UploadSession> items = new ArrayList<>();
        Optional<ListPosition> position = after;
        int scanned = 0;
        while (scanned < MAX_SCANNED) {
            int batch = Math.min(MAX_PAGE, Math.max(limit + 1, 20));
            List<UploadSession> read = metadata.listNewestFirst(owner, position, batch);
            for (UploadSession session : read) {
                scanned++;
                position = Optional.of(ListPosition.of(session));
                if (state.isEmpty() || Listed.of(session, now) == state.get()) {
                    items.add(session);
                    if (items.size() > limit) {
                        return new Page(List.copyOf(items.subList(0, limit)), Optional.of(ListPosition.of(items.get(limit - 1))));
                    }
                }
            }
            if (read.size() < batch) {
                return new Page(List.copyOf(items), Optional.empty());
            }
        }
        return new Page(List.copyOf(items), position);
    }

    /**
     * The uploads whose ids and tokens {@code presented} holds (an id whose token does not match, or that is
     * unknown, is left out as if it did not exist), in {@code state} when given, newest first, after {@code after},
     * at most {@code limit}.
     *
     * @throws IllegalArgumentException if more than {@value #MAX_PAGE} are presented, or {@code limit} is not
     *         1..{@value #MAX_PAGE}
     */
    @Override
    public Page presented(Map<UploadId, String> presented, Optional<Listed> state, Optional<ListPosition> after,
                          int limit) {
        requireLimit(limit);
        if (presented.size() > MAX_PAGE) {
            throw new IllegalArgumentException("at most " + MAX_PAGE + " upload tokens may be presented at once");
        }
        Instant now = clock.instant();
        List<UploadSession> matching = new ArrayList<>();
        presented.forEach((id, token) -> metadata.find(id)
                .filter(session -> session.isOwnedBy(token))
                .filter(session -> state.isEmpty() || Listed.of(session, now) == state.get())
                .filter(session -> after.isEmpty() || after.get().isBefore(session))
                .ifPresent(matching::add));
        matching.sort(ListPosition.NEWEST_FIRST);
        if (matching.size() > limit) {
            return new Page(List.copyOf(matching.subList(0, limit)), Optional.of(ListPosition.of(matching.get(limit - 1))));
        }
        return new Page(List.copyOf(matching), Optional.empty());
    }

    /** Whether {@code session} is active, expired … at this moment, as a list shows it. */
    public Listed listedState(UploadSession session) {
        return Listed.of(session, clock.instant());
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("a page holds 1.." + MAX_PAGE + " uploads");
        }
    }

}

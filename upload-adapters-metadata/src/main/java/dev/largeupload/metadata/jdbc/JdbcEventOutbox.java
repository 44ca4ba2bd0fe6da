package dev.largeupload.metadata.jdbc;

import static dev.largeupload.metadata.jdbc.JdbcTransactions.bind;
import static dev.largeupload.metadata.jdbc.JdbcTransactions.update;

import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.metadata.common.EventCodec;
import dev.largeupload.metadata.common.StoreCalls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link EventOutbox} of {@link JdbcMetadataStore}: the {@code outbox} table (migration V11). {@link #insert} adds
 * an event on the caller's connection, inside the transaction of the state change; the rest are transactions of
 * their own.
 *
 * <p>A claim is a compare-and-set on {@code due_at}: it selects the due events that are the lowest {@code seq} of
 * their upload, then moves each one's {@code due_at} to the end of its lease {@code WHERE due_at <= now}; of several
 * servers claiming one event, the database lets exactly one update match (the others' updates wait for its row lock
 * and then find {@code due_at} in the future), on H2 and PostgreSQL alike.
 */
final class JdbcEventOutbox implements EventOutbox {

    private final JdbcTransactions transactions;

    JdbcEventOutbox(JdbcTransactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /** Adds {@code event}, due at once, in the transaction of {@code connection}. */
    static void insert(Connection connection, UploadEvent event) throws SQLException {
        update(connection, "INSERT INTO outbox (event_id, upload_id, body, attempts, due_at) VALUES (?, ?, ?, 0, ?)",
                event.id(), event.uploadId().value(), EventCodec.encode(event), 0L);
    }

    @Override
    public List<PendingEvent> claimDue(String claimant, Instant now, Duration lease, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        List<Long> candidates = transactions.run("list due events", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT o.seq FROM outbox o WHERE o.due_at <= ?"
                    + " AND o.seq = (SELECT MIN(p.seq) FROM outbox p WHERE p.upload_id = o.upload_id)"
                    + " ORDER BY o.seq FETCH FIRST ? ROWS ONLY")) {
                bind(select, now.toEpochMilli(), limit);
                List<Long> seqs = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        seqs.add(rows.getLong(1));
                    }
                }
                return seqs;
            }
        });
        List<PendingEvent> claimed = new ArrayList<>();
        for (long seq : candidates) {
            transactions.run("claim an event", connection -> {
                if (update(connection, "UPDATE outbox SET due_at = ?, claimant = ?, attempts = attempts + 1"
                        + " WHERE seq = ? AND due_at <= ?", now.plus(lease).toEpochMilli(), claimant, seq,
                        now.toEpochMilli()) == 1) {
                    try (PreparedStatement select = connection.prepareStatement(
                            "SELECT body, attempts, delivered_to FROM outbox WHERE seq = ?")) {
                        bind(select, seq);
                        try (ResultSet row = select.executeQuery()) {
                            row.next();
                            claimed.add(new PendingEvent(EventCodec.decode(row.getString(1)), row.getInt(2),
                                    EventCodec.decodeDestinations(row.getString(3))));
                        }
                    }
                }
                return null;
            });
        }
        return claimed;
    }

    @Override
    public boolean release(String eventId, String claimant, Instant retryAt, Set<String> deliveredTo) {
        return transactions.run("release event " + eventId, connection -> update(connection,
                "UPDATE outbox SET due_at = ?, claimant = NULL, delivered_to = ? WHERE event_id = ? AND claimant = ?",
                retryAt.toEpochMilli(), EventCodec.encodeDestinations(deliveredTo), eventId, claimant) == 1);
    }

    @Override
    public boolean remove(String eventId, String claimant) {
        return transactions.run("remove event " + eventId, connection -> update(connection,
                "DELETE FROM outbox WHERE event_id = ? AND claimant = ?", eventId, claimant) == 1);
    }

    @Override
    public long backlog() {
        return transactions.run("count the events in the outbox", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM outbox");
                 ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }
}

package dev.largeupload.metadata.file;

import dev.largeupload.domain.model.UploadEvent;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.port.EventOutbox;
import dev.largeupload.domain.port.PendingEvent;
import dev.largeupload.domain.error.UploadException.StoreUnavailable;
import dev.largeupload.metadata.common.EventCodec;
import dev.largeupload.metadata.common.StoreCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link EventOutbox} of {@link FileMetadataStore}: one file per event in {@code <root>/.outbox/}, named
 * {@code <upload>.<seq>.<event id>.event}, where {@code seq} numbers the events of one upload (the session file keeps
 * the last, {@value #SEQUENCE}).
 *
 * <p>An event is added with its change in three steps, all under the upload's lock: {@link #prepare} writes it as
 * {@code ….pending} (forced) and counts it in the session's properties; the store then replaces the session file,
 * which commits both; {@link #commit} renames it to {@code ….event}. A crash leaves at most a pending file, which the
 * next claim settles under the upload's lock: the session file counts it (the change happened) and it becomes an
 * event, or it does not (the change never happened) and it is deleted. So an event exists exactly when its change
 * does. Claims, releases and removals hold the outbox lock ({@link UploadLocks#outbox}), in the JVM and on the host,
 * and replace an event's file atomically; its lease, attempts and destinations are properties of that file.
 */
final class FileEventOutbox implements EventOutbox {

    static final String DIRECTORY = ".outbox";
    /** The property of the session file that counts its upload's events. */
    static final String SEQUENCE = "event_seq";
    private static final String EVENT = ".event";
    private static final String PENDING = ".pending";
    private static final Pattern NAME = Pattern.compile("([0-9a-f-]{36})\\.(\\d{19})\\.([A-Za-z0-9-]{1,64})\\.(event|pending)");
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final Path root;
    private final Path directory;
    private final UploadLocks locks;

    FileEventOutbox(Path root, UploadLocks locks) throws IOException {
        this.root = root;
        this.directory = Files.createDirectories(root.resolve(DIRECTORY));
        this.locks = locks;
    }

    /**
     * Writes {@code event} as pending, durably, and counts it in {@code session} (the upload's properties, which the
     * caller writes next). Call under the upload's lock.
     *
     * @return the pending file, for {@link #commit} once the session file is written (or for {@link #discard})
     */
    Path prepare(Properties session, UploadEvent event) throws IOException {
        if (!EVENT_ID.matcher(event.id()).matches()) {
            throw new IllegalArgumentException("the file store keeps event ids of letters, digits and '-' only");
        }
        long seq = Long.parseLong(session.getProperty(SEQUENCE, "0")) + 1;
        session.setProperty(SEQUENCE, Long.toString(seq));
        Properties entry = new Properties();
        entry.setProperty("body", EventCodec.encode(event));
        entry.setProperty("attempts", "0");
        entry.setProperty("due_at", "0");
        entry.setProperty("claimant", "");
        entry.setProperty("delivered", "");
        Path pending = directory.resolve(event.uploadId().value() + "." + String.format("%019d", seq) + "." + event.id()
                + PENDING);
        replace(pending, entry);
        return pending;
    }

    /** Turns the pending file into an event, durably: the session file that counts it was written. */
    void commit(Path pending) throws IOException {
        Files.move(pending, eventFile(pending), StandardCopyOption.ATOMIC_MOVE);
        SessionFiles.forceDirectory(directory);
    }

    /** Deletes a pending file whose change failed. */
    void discard(Path pending) {
        try {
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            // The next claim settles it: the session file does not count it.
        }
    }

    @Override
    public List<PendingEvent> claimDue(String claimant, Instant now, Duration lease, int limit) {
        if (!StoreCalls.wantsAny(limit)) {
            return List.of();
        }
        return outboxLocked("claim due events", () -> {
            Map<String, Entry> heads = new HashMap<>();
            for (Entry entry : entries()) {
                if (entry.pending()) {
                    entry = settle(entry);
                    if (entry == null) {
                        continue;
                    }
                }
                heads.merge(entry.upload(), entry, (a, b) -> a.seq() <= b.seq() ? a : b);
            }
            List<PendingEvent> claimed = new ArrayList<>();
            for (Entry head : heads.values().stream().sorted(Comparator.comparing(Entry::upload)).toList()) {
                if (claimed.size() >= limit) {
                    break;
                }
                Properties properties = read(head.file());
                if (Long.parseLong(properties.getProperty("due_at")) > now.toEpochMilli()) {
                    continue;
                }
                int attempts = Integer.parseInt(properties.getProperty("attempts")) + 1;
                properties.setProperty("attempts", Integer.toString(attempts));
                properties.setProperty("claimant", claimant);
                properties.setProperty("due_at", Long.toString(now.plus(lease).toEpochMilli()));
                replace(head.file(), properties);
                claimed.add(new PendingEvent(EventCodec.decode(properties.getProperty("body")), attempts,
                        EventCodec.decodeDestinations(properties.getProperty("delivered"))));
            }
            return claimed;
        });
    }

    @Override
    public boolean release(String eventId, String claimant, Instant retryAt, Set<String> deliveredTo) {
        return outboxLocked("release event " + eventId, () -> {
            Optional<Path> file = find(eventId);
            if (file.isEmpty()) {
                return false;
            }
            Properties properties = read(file.get());
            if (!claimant.equals(properties.getProperty("claimant"))) {
                return false;
            }
            properties.setProperty("claimant", "");
            properties.setProperty("due_at", Long.toString(retryAt.toEpochMilli()));
            properties.setProperty("delivered", EventCodec.encodeDestinations(deliveredTo));
            replace(file.get(), properties);
            return true;
        });
    }

    @Override
    public boolean remove(String eventId, String claimant) {
        return outboxLocked("remove event " + eventId, () -> {
            Optional<Path> file = find(eventId);
            if (file.isEmpty() || !claimant.equals(read(file.get()).getProperty("claimant"))) {
                return false;
            }
            Files.delete(file.get());
            SessionFiles.forceDirectory(directory);
            return true;
        });
    }

    @Override
    public long backlog() {
        try {
            return entries().size();
        } catch (IOException e) {
            throw unavailable("count the events in the outbox", e);
        }
    }

    /** A file of the outbox, by the parts of its name. */
    private record Entry(Path file, String upload, long seq, String eventId, boolean pending) {
    }

    /**
     * Settles a pending file left by a crash (or being written right now: the upload's lock waits for that writer):
     * an event if the session file counts it, deleted otherwise.
     *
     * @return the event's entry, or {@code null} if it was deleted
     */
    private Entry settle(Entry pending) throws IOException {
        return locks.stripe(pending.upload(), () -> {
            if (!Files.exists(pending.file())) {
                Path event = eventFile(pending.file());
                return Files.exists(event) ? new Entry(event, pending.upload(), pending.seq(), pending.eventId(), false) : null;
            }
            Optional<Properties> session = SessionFiles.read(root.resolve(new UploadId(pending.upload()).value()));
            if (session.isPresent() && Long.parseLong(session.get().getProperty(SEQUENCE, "0")) >= pending.seq()) {
                commit(pending.file());
                return new Entry(eventFile(pending.file()), pending.upload(), pending.seq(), pending.eventId(), false);
            }
            Files.deleteIfExists(pending.file());
            return null;
        });
    }

    private List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    entries.add(new Entry(file, name.group(1), Long.parseLong(name.group(2)), name.group(3),
                            name.group(4).equals("pending")));
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return entries;
    }

    private Optional<Path> find(String eventId) throws IOException {
        return entries().stream().filter(e -> !e.pending() && e.eventId().equals(eventId)).map(Entry::file).findFirst();
    }

    private static Path eventFile(Path pending) {
        String name = pending.getFileName().toString();
        return pending.resolveSibling(name.substring(0, name.length() - PENDING.length()) + EVENT);
    }

    private static Properties read(Path file) throws IOException {
        Properties properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            throw new IOException("event file vanished under the outbox lock", e);
        }
        return properties;
    }

    /** Replaces {@code file} atomically and durably: temporary file, force, rename, force the directory. */
    private void replace(Path file, Properties properties) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream(1024);
        properties.store(content, null);
        Path temp = Files.createTempFile(directory, "event.", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content.toByteArray());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        SessionFiles.forceDirectory(directory);
    }

    private <T> T outboxLocked(String what, UploadLocks.Work<T> work) {
        try {
            return locks.outbox(work);
        } catch (IOException e) {
            throw unavailable(what, e);
        }
    }

    private static StoreUnavailable unavailable(String what, IOException e) {
        return StoreCalls.unavailable("metadata files", what, "", e);
    }
}

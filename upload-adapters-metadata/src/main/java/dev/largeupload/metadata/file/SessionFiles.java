package dev.largeupload.metadata.file;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.metadata.common.SessionCodec;
import dev.largeupload.metadata.common.SessionCodec.FieldSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The two files of an upload's directory and how they are written durably: {@code session.properties}, every
 * field of the session ({@link SessionCodec}'s, plus {@code received}, the Base64 of the received chunks'
 * {@link BitSet#toByteArray()}), replaced atomically; and {@code chunks.sha256}, the chunks' SHA-256, 32 raw bytes
 * at offset {@code index * 32}, written in place, where a region that is missing or all zeros holds no digest.
 */
final class SessionFiles {

    static final String SESSION_FILE = "session.properties";
    static final String DIGESTS_FILE = "chunks.sha256";
    static final String RECEIVED = "received";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final byte[] NO_DIGEST = new byte[Sha256.LENGTH];

    private SessionFiles() {
    }

    /** The session file of {@code session}, its received chunks included. */
    static Properties toProperties(UploadSession session) {
        Properties properties = new Properties();
        SessionCodec.text(session).forEach(properties::setProperty);
        properties.setProperty(RECEIVED, Base64.getEncoder().encodeToString(session.received().toByteArray()));
        return properties;
    }

    static UploadSession toSession(UploadId id, Properties properties) {
        FieldSource<RuntimeException> fields = field -> properties.getProperty(field.key());
        return SessionCodec.decode(id, fields, received(properties));
    }

    static BitSet received(Properties properties) {
        return BitSet.valueOf(Base64.getDecoder().decode(properties.getProperty(RECEIVED, "")));
    }

    /** The session file in {@code directory}; empty if there is none. */
    static Optional<Properties> read(Path directory) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(directory.resolve(SESSION_FILE));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        properties.load(new ByteArrayInputStream(content));
        return Optional.of(properties);
    }

    /** Replaces the session file atomically and durably: temporary file, force, rename, force the directory. */
    static void write(Path directory, Properties properties) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream(4096);
        properties.store(content, null);
        Path temp = Files.createTempFile(directory, SESSION_FILE + ".", TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content.toByteArray());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, directory.resolve(SESSION_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        forceDirectory(directory);
    }

    /**
     * Writes a chunk's digest in place and forces it to disk (and the directory, when the file is new). A new
     * file is first filled with zeros for every chunk of the plan (at most 1.6 MB), so that later writes
     * overwrite allocated blocks and their force flushes data only, not the file's size and extents.
     */
    static void writeDigest(Path directory, int index, Sha256 sha256, int chunkCount) throws IOException {
        Path file = directory.resolve(DIGESTS_FILE);
        boolean isNew = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (isNew) {
                writeFully(channel, ByteBuffer.allocate(chunkCount * Sha256.LENGTH), 0);
            }
            writeFully(channel, ByteBuffer.wrap(sha256.bytes()), (long) index * Sha256.LENGTH);
            channel.force(false);
        }
        if (isNew) {
            forceDirectory(directory);
        }
    }

    /** The digests in {@code directory} of the chunks in {@code received}; a chunk without one is absent. */
    static SortedMap<Integer, Sha256> readDigests(Path directory, BitSet received) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(directory.resolve(DIGESTS_FILE));
        } catch (NoSuchFileException none) {
            all = new byte[0];
        }
        SortedMap<Integer, Sha256> digests = new TreeMap<>();
        for (int index = received.nextSetBit(0); index >= 0 && index < all.length / Sha256.LENGTH;
                index = received.nextSetBit(index + 1)) {
            byte[] digest = Arrays.copyOfRange(all, index * Sha256.LENGTH, (index + 1) * Sha256.LENGTH);
            if (!Arrays.equals(digest, NO_DIGEST)) {
                digests.put(index, Sha256.of(digest));
            }
        }
        return digests;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** Makes a directory's entries (a rename, a new or deleted file) durable. */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; NTFS journals its metadata instead. Elsewhere it is a real failure.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
                throw e;
            }
        }
    }
}

package dev.largeupload.metadata.file;

import dev.largeupload.domain.model.ChunkPlan;
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
 * The session file of an upload's directory and how it is written durably: {@code session.properties}, every
 * field of the session ({@link SessionCodec}'s, plus {@code received}, the Base64 of the received blocks'
 * {@link BitSet#toByteArray()}), replaced atomically. The block records beside it are {@link ChunkRecords}'.
 */
final class SessionFiles {

    static final String SESSION_FILE = "session.properties";
    static final String RECEIVED = "received";
    private static final String TEMP_SUFFIX = ".tmp";

    private SessionFiles() {
    }

    /** The session file of {@code session}, its received blocks included. */
    static Properties toProperties(UploadSession session) {
        Properties properties = new Properties();
        SessionCodec.text(session).forEach(properties::setProperty);
        properties.setProperty(RECEIVED, Base64.getEncoder().encodeToString(session.received().toByteArray()));
        return properties;
    }

    static UploadSession toSession(UploadId id, Properties properties) {
        return SessionCodec.decode(id, fields(properties), received(properties));
    }

    /** The plan in a session file (blocks as large as the chunks in a file written before blocks existed). */
    static ChunkPlan plan(Properties properties) {
        return SessionCodec.plan(fields(properties));
    }

    private static FieldSource<RuntimeException> fields(Properties properties) {
        return field -> properties.getProperty(field.key());
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

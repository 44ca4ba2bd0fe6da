package dev.largeupload.metadata.file;

import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.RecordedBlock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The block records of an upload's directory: {@code chunks.records}, one fixed-width record of
 * {@value #RECORD_LENGTH} bytes per block at offset {@code index * 64}, written in place (the names are from before
 * blocks, when a block was a chunk; an upload of that time has one block per chunk): the SHA-256 (32 raw
 * bytes), the staging attempt whose bytes it is the digest of (8 bytes, big-endian), a check (the first 8 bytes
 * of the SHA-256 of those 40 bytes) and zeros. A region that is missing, all zeros or fails its check holds no
 * record. As 64 divides every disk sector size, a record never straddles two sectors, and a write torn by a crash
 * anyway fails its check instead of pairing one body's digest with another's attempt. Versions before staging
 * attempts kept {@code chunks.sha256} (32 raw bytes at {@code index * 32}); it is still read, for the blocks it
 * holds and {@code chunks.records} does not, with the legacy attempt.
 */
final class ChunkRecords {

    static final String RECORDS_FILE = "chunks.records";
    /** The file of versions before staging attempts: 32-byte digests alone. */
    static final String DIGESTS_FILE = "chunks.sha256";
    static final int RECORD_LENGTH = 64;
    private static final int CHECKED_LENGTH = Sha256.LENGTH + Long.BYTES;
    private static final byte[] NO_DIGEST = new byte[Sha256.LENGTH];

    private ChunkRecords() {
    }

    /**
     * Writes a block's record in place, in one write, and forces it to disk (and the directory, when the file
     * is new). A new file is first filled with zeros for every block of the plan (at most 3.2 MB), so that later
     * writes overwrite allocated blocks and their force flushes data only, not the file's size and extents.
     */
    static void write(Path directory, int index, RecordedBlock record, int blockCount) throws IOException {
        Path file = directory.resolve(RECORDS_FILE);
        boolean isNew = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (isNew) {
                writeFully(channel, ByteBuffer.allocate(blockCount * RECORD_LENGTH), 0);
            }
            writeFully(channel, ByteBuffer.wrap(recordBytes(record)), (long) index * RECORD_LENGTH);
            channel.force(false);
        }
        if (isNew) {
            SessionFiles.forceDirectory(directory);
        }
    }

    /** The records in {@code directory} of the blocks in {@code received}; a block without one is absent. */
    static SortedMap<Integer, RecordedBlock> read(Path directory, BitSet received) throws IOException {
        byte[] records = readIfThere(directory.resolve(RECORDS_FILE));
        byte[] legacy = readIfThere(directory.resolve(DIGESTS_FILE));
        SortedMap<Integer, RecordedBlock> found = new TreeMap<>();
        for (int index = received.nextSetBit(0); index >= 0; index = received.nextSetBit(index + 1)) {
            Optional<RecordedBlock> record = recordAt(records, index);
            if (record.isEmpty() && legacy.length >= (index + 1) * Sha256.LENGTH) {
                byte[] digest = Arrays.copyOfRange(legacy, index * Sha256.LENGTH, (index + 1) * Sha256.LENGTH);
                if (!Arrays.equals(digest, NO_DIGEST)) {
                    record = Optional.of(new RecordedBlock(Sha256.of(digest), StagingAttempt.LEGACY));
                }
            }
            if (record.isPresent()) {
                found.put(index, record.get());
            }
        }
        return found;
    }

    /** Removes both record files (a delete that crashed half-way left records of no block of a new session). */
    static boolean deleteIfThere(Path directory) throws IOException {
        return Files.deleteIfExists(directory.resolve(RECORDS_FILE)) | Files.deleteIfExists(directory.resolve(DIGESTS_FILE));
    }

    /** The {@value #RECORD_LENGTH} bytes of {@code record}: digest, attempt, check, zeros. */
    static byte[] recordBytes(RecordedBlock record) {
        ByteBuffer bytes = ByteBuffer.allocate(RECORD_LENGTH).put(record.sha256().bytes()).putLong(record.attempt().value());
        bytes.put(check(bytes.array()), 0, Long.BYTES);
        return bytes.array();
    }

    /** The record of block {@code index} in the content of a records file, if it holds a whole one. */
    static Optional<RecordedBlock> recordAt(byte[] records, int index) {
        int from = index * RECORD_LENGTH;
        if (records.length < from + RECORD_LENGTH) {
            return Optional.empty();
        }
        byte[] record = Arrays.copyOfRange(records, from, from + RECORD_LENGTH);
        if (!Arrays.equals(Arrays.copyOfRange(check(record), 0, Long.BYTES),
                Arrays.copyOfRange(record, CHECKED_LENGTH, CHECKED_LENGTH + Long.BYTES))) {
            return Optional.empty(); // all zeros (never written), or torn by a crash
        }
        ByteBuffer buffer = ByteBuffer.wrap(record);
        byte[] digest = new byte[Sha256.LENGTH];
        buffer.get(digest);
        return Optional.of(new RecordedBlock(Sha256.of(digest), new StagingAttempt(buffer.getLong())));
    }

    /** The SHA-256 of the first 40 bytes of a record (digest and attempt). */
    private static byte[] check(byte[] record) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(record, 0, CHECKED_LENGTH);
        return digest.digest();
    }

    private static byte[] readIfThere(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return new byte[0];
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }
}

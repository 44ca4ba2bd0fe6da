package dev.largeupload.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * A file of random bytes on disk, the file a user would upload: every byte differs from its
 * neighbours' chunks (unlike {@link Payload}, whose 8 MiB repeat would hide a chunk stored at the
 * wrong index), and its SHA-256 is known, so that what a server stored can be compared byte for
 * byte. Request bodies are read-only mappings of one region each, handed to the HTTP client in
 * slices: nothing of a request's size is copied onto the heap.
 */
final class SourceFile implements AutoCloseable {

    private static final int WRITE_BUFFER = 8 * 1024 * 1024;

    private final Path path;
    private final long size;
    private final String sha256;
    private final FileChannel channel;

    private SourceFile(Path path, long size, String sha256) throws IOException {
        this.path = path;
        this.size = size;
        this.sha256 = sha256;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    /** Writes {@code size} random bytes (fixed seed) to {@code path}, hashing them on the way. */
    static SourceFile create(Path path, long size) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[WRITE_BUFFER];
        Random random = new Random(1_073_741_824L);
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < size; ) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, size - written);
                digest.update(buffer, 0, n);
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                written += n;
            }
            return new SourceFile(path, size, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file on disk, for a client that reads it itself. */
    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** The SHA-256 of the whole file, lower-case hex. */
    String sha256Hex() {
        return sha256;
    }

    /** The {@code length} bytes from {@code offset} as a request body. */
    HttpRequest.BodyPublisher publisher(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("no region " + offset + "+" + length + " in a file of " + size + " bytes");
        }
        MappedByteBuffer region;
        try {
            region = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SlicedPublisher(length, Payload.SLICE, (at, max) -> region.slice((int) at, max));
    }

    /** The SHA-256 (hex) and length of everything {@code in} yields; closes it. */
    static Hashed hash(InputStream in) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1024 * 1024];
        long length = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                length += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Hashed(HexFormat.of().formatHex(digest.digest()), length);
    }

    /** What {@link #hash} found. */
    record Hashed(String sha256Hex, long length) {
    }

    /** Fails unless {@code stored} is this file, byte for byte (same length, same SHA-256). */
    void requireSameAs(Hashed stored, String what) {
        if (stored.length() != size || !stored.sha256Hex().equals(sha256)) {
            throw new IllegalStateException(what + " is not the file sent: " + stored.length() + " bytes, SHA-256 "
                    + stored.sha256Hex() + "; sent " + size + " bytes, SHA-256 " + sha256);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Closes the file and deletes it. */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

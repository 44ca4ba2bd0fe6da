package dev.largeupload.domain.fakes;

import dev.largeupload.domain.error.UploadException.ChecksumMismatch;
import dev.largeupload.domain.error.UploadException.ChunkLengthMismatch;
import dev.largeupload.domain.error.UploadException.Incomplete;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.error.UploadException.TransferInterrupted;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.ChunkPlan;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.BlobAttributes;
import dev.largeupload.domain.port.BlobStore;
import dev.largeupload.domain.port.BlockData;
import dev.largeupload.domain.port.BlockStaging;
import dev.largeupload.domain.port.CommittedBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * A {@link BlobStore} in memory, for tests, that keeps attempts apart as Azure does (so {@link #openBlock}
 * never waits) and, unless told otherwise, verifies an expected SHA-256 on commit as the filesystem does. It
 * keeps the port's promises that a test can observe: a block is staged only when its stream gave all its bytes
 * without throwing, each attempt apart (no staging replaces another attempt's bytes; a short stream is
 * {@link ChunkLengthMismatch}, a failing one {@link TransferInterrupted}, as the real stores report them), a
 * given MD5 is checked, commit takes exactly the attempts it is given, needs each with its planned length
 * ({@link Incomplete} names the chunks of the blocks missing) and is idempotent; given an expected SHA-256 it
 * computes the file's, answers it and refuses a mismatch, and without one it answers no digest; delete
 * discards staged and committed data and succeeds on nothing. Unlike a real store it holds whole blocks in
 * memory, so keep test data small.
 *
 * <p>A test can make the next {@link #commit} fail with {@link #failNextCommitWith}, and make commits
 * neither compute nor check a digest, as Azure's Put Block List does, with {@link #commitWithoutReading}.
 */
public final class InMemoryBlobStore implements BlobStore {

    private final Map<BlobName, Map<Integer, Map<StagingAttempt, byte[]>>> staged = new HashMap<>();
    private final Map<BlobName, byte[]> committed = new HashMap<>();
    private final Map<BlobName, BlobAttributes> attributes = new HashMap<>();
    private Supplier<? extends RuntimeException> nextCommitFailure;
    private int commitCalls;
    private int openCalls;
    private boolean digestOnCommit = true;

    @Override
    public void checkAvailable() {
        // Always there: it lives in this JVM.
    }

    @Override
    public BlockStaging openBlock(BlobName blob, ChunkPlan plan, int block, StagingAttempt attempt) {
        plan.blockLength(block);
        return new BlockStaging() {
            private boolean written;

            @Override
            public void write(BlockData data) {
                if (written) {
                    throw new IllegalStateException("block " + block + " was written already");
                }
                written = true;
                stageBytes(blob, block, attempt, data);
            }

            @Override
            public void makeDurable() {
                if (!written) {
                    throw new IllegalStateException("block " + block + " was not written");
                }
            }

            @Override
            public void close() {
                // Attempts are kept apart, so there is nothing to release.
            }
        };
    }

    private void stageBytes(BlobName blob, int index, StagingAttempt attempt, BlockData chunk) {
        // Read outside the lock, as a real store streams; publish only a whole block. A failing or short
        // stream is reported as the real stores report it.
        byte[] bytes;
        try (InputStream in = chunk.data()) {
            bytes = in.readNBytes(Math.toIntExact(chunk.length()));
        } catch (InterruptedIOException e) {
            throw new TransferInterrupted(index, true, e);
        } catch (IOException e) {
            throw new TransferInterrupted(index, false, e);
        }
        if (bytes.length != chunk.length()) {
            throw new ChunkLengthMismatch(index, chunk.length(), "the stream ended after " + bytes.length + " bytes");
        }
        if (chunk.md5().isPresent() && !MessageDigest.isEqual(digest("MD5", bytes), chunk.md5().get())) {
            throw new ChecksumMismatch("block " + index + " does not match its MD5");
        }
        synchronized (this) {
            staged.computeIfAbsent(blob, b -> new HashMap<>()).computeIfAbsent(index, i -> new HashMap<>()).put(attempt, bytes);
        }
    }

    @Override
    public synchronized CommittedBlob commit(BlobName blob, ChunkPlan plan, List<StagingAttempt> attempts, BlobAttributes attrs) {
        if (attempts.size() != plan.blockCount()) {
            throw new IllegalArgumentException(attempts.size() + " attempts for " + plan.blockCount() + " blocks");
        }
        commitCalls++;
        if (nextCommitFailure != null) {
            RuntimeException failure = nextCommitFailure.get();
            nextCommitFailure = null;
            throw failure;
        }
        byte[] existing = committed.get(blob);
        if (existing != null && existing.length == plan.fileSize()) {
            return new CommittedBlob(existing.length, Optional.empty());
        }
        Map<Integer, Map<StagingAttempt, byte[]>> chunks = staged.getOrDefault(blob, Map.of());
        List<byte[]> chosen = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < plan.blockCount(); i++) {
            byte[] chunk = chunks.getOrDefault(i, Map.of()).get(attempts.get(i));
            chosen.add(chunk);
            if (chunk == null || chunk.length != plan.blockLength(i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            throw new Incomplete(missing.stream().map(plan::chunkOf).distinct().toList());
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream(Math.toIntExact(plan.fileSize()));
        for (int i = 0; i < plan.blockCount(); i++) {
            whole.writeBytes(chosen.get(i));
        }
        byte[] bytes = whole.toByteArray();
        Optional<String> sha256 = Optional.empty();
        if (digestOnCommit && attrs.sha256().isPresent()) {
            sha256 = Optional.of(sha256Hex(bytes));
            if (!sha256.equals(attrs.sha256())) {
                throw new ChecksumMismatch("The file's SHA-256 is " + sha256.get() + ", not the expected "
                        + attrs.sha256().get() + "; it was not committed.");
            }
        }
        committed.put(blob, bytes);
        attributes.put(blob, attrs);
        staged.remove(blob);
        return new CommittedBlob(bytes.length, sha256);
    }

    @Override
    public synchronized InputStream openCommitted(BlobName blob, long offset, long length) {
        openCalls++;
        byte[] bytes = committed.get(blob);
        if (bytes == null) {
            throw new NotFound(blob.value());
        }
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + bytes.length);
        }
        return new ByteArrayInputStream(bytes, (int) offset, (int) length);
    }

    @Override
    public synchronized void delete(BlobName blob) {
        staged.remove(blob);
        committed.remove(blob);
        attributes.remove(blob);
    }

    /** Makes the next call of {@link #commit} throw what {@code failure} supplies, and change nothing. */
    public synchronized void failNextCommitWith(Supplier<? extends RuntimeException> failure) {
        this.nextCommitFailure = failure;
    }

    /** From now on, {@link #commit} neither computes nor checks a SHA-256, like a store that does not read while committing. */
    public synchronized void commitWithoutReading() {
        this.digestOnCommit = false;
    }

    /** How often {@link #openCommitted} was called. */
    public synchronized int openCalls() {
        return openCalls;
    }

    /** How often {@link #commit} was called, failures included. */
    public synchronized int commitCalls() {
        return commitCalls;
    }

    /** The bytes staged for block {@code index} by {@code attempt}, if any. */
    public synchronized Optional<byte[]> stagedChunk(BlobName blob, int index, StagingAttempt attempt) {
        return Optional.ofNullable(staged.getOrDefault(blob, Map.of()).getOrDefault(index, Map.of()).get(attempt))
                .map(b -> Arrays.copyOf(b, b.length));
    }

    /** How many attempts of block {@code index} are staged. */
    public synchronized int stagedAttempts(BlobName blob, int index) {
        return staged.getOrDefault(blob, Map.of()).getOrDefault(index, Map.of()).size();
    }

    /** The committed blob's bytes, if it is committed. */
    /** Stages {@code bytes} as block {@code index} of {@code blob} under {@code attempt} as given, of any length: what a client with a grant can do. */
    public synchronized void stageAsIs(BlobName blob, int index, StagingAttempt attempt, byte[] bytes) {
        staged.computeIfAbsent(blob, b -> new HashMap<>()).computeIfAbsent(index, i -> new HashMap<>()).put(attempt, bytes.clone());
    }

    /** The sizes of the blocks of {@code blob} staged under {@code attempt} and not committed, by index. */
    public synchronized Map<Integer, Long> stagedSizes(BlobName blob, StagingAttempt attempt) {
        Map<Integer, Long> sizes = new HashMap<>();
        staged.getOrDefault(blob, Map.of()).forEach((index, attempts) -> {
            byte[] bytes = attempts.get(attempt);
            if (bytes != null) {
                sizes.put(index, (long) bytes.length);
            }
        });
        return sizes;
    }

    public synchronized Optional<byte[]> committedBytes(BlobName blob) {
        return Optional.ofNullable(committed.get(blob)).map(b -> Arrays.copyOf(b, b.length));
    }

    /** The attributes the blob was committed with, if it is committed. */
    public synchronized Optional<BlobAttributes> committedAttributes(BlobName blob) {
        return Optional.ofNullable(attributes.get(blob));
    }

    /** Whether anything, staged or committed, is kept under {@code blob}. */
    public synchronized boolean holdsAnything(BlobName blob) {
        return !staged.getOrDefault(blob, Map.of()).isEmpty() || committed.containsKey(blob);
    }

    private static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256", bytes));
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }
}

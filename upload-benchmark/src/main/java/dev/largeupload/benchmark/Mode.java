package dev.largeupload.benchmark;

import java.util.List;

/**
 * The sizes of a run. {@link #FULL} gives the README's figures (each measurement moves at least
 * 1 GiB); {@link #SMOKE} proves in under two minutes that every case still runs.
 */
record Mode(String name,
            List<Long> filesystemChunkSizes, List<Integer> filesystemInFlight, long filesystemBytes,
            List<Long> azureChunkSizes, List<Integer> azureInFlight, long azureBytes,
            int memoryLargeChunks, long memoryLargeSize, int memorySmallChunks, long memorySmallSize,
            List<String> metadataStores, int metadataChunks, int metadataInFlight,
            long integrityChunkSize, int integrityInFlight, long integrityBytes, int integrityRounds,
            long warmUpBytes,
            long endToEndBytes, long endToEndChunkSize, int endToEndRounds, List<Long> completeSizes) {

    static final long MIB = 1024L * 1024L;
    static final long GIB = 1024L * MIB;

    static final Mode FULL = new Mode("full",
            List.of(8 * MIB, 50 * MIB, 256 * MIB), List.of(1, 2, 4, 8), GIB,
            List.of(8 * MIB, 50 * MIB), List.of(1, 4), 512 * MIB,
            8, 256 * MIB, 32, 50 * MIB,
            List.of("h2", "postgresql", "redis", "file"), 20_972, 8,
            50 * MIB, 4, GIB, 2,
            512 * MIB,
            GIB, 64 * MIB, 3, List.of(GIB, 16 * GIB));

    static final Mode SMOKE = new Mode("smoke",
            List.of(8 * MIB), List.of(2), 64 * MIB,
            List.of(8 * MIB), List.of(2), 16 * MIB,
            2, 32 * MIB, 4, 8 * MIB,
            List.of("h2"), 200, 8,
            8 * MIB, 2, 32 * MIB, 1,
            16 * MIB,
            64 * MIB, 16 * MIB, 3, List.of(16 * MIB, 64 * MIB));

    /** Bytes for one measurement: at least {@code minimum}, at least one chunk per sender, whole chunks. */
    static long bytesFor(long minimum, long chunkSize, int inFlight) {
        long bytes = Math.max(minimum, chunkSize * inFlight);
        return (bytes + chunkSize - 1) / chunkSize * chunkSize;
    }

    static String size(long bytes) {
        return bytes % GIB == 0 ? bytes / GIB + " GiB" : bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " B";
    }
}

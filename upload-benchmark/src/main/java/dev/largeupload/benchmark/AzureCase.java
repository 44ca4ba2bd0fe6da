package dev.largeupload.benchmark;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.largeupload.azure.AzuriteServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Case 2: ingest through the server on the Azure store (Azurite from the project's npm lock)
 * against this process staging the same blocks straight into Azurite with the Azure SDK (Put Block
 * from a stream of known length, JDK HTTP client, one try, as the adapter does), with the same
 * chunk size and number in flight. Goal: at least 0.85 of direct. Beside each pair it reports the
 * cores the machine and each process kept busy (Azurite, the server, this benchmark): Azurite is
 * one Node process sharing the machine's cores with the other two.
 */
final class AzureCase {

    static final String SECTION = "2 azure (Azurite)";
    static final double GOAL = 0.85;

    private AzureCase() {
    }

    /** The server's environment for the Azure store on {@code azurite} (its account key also signs direct transfers). */
    static Map<String, String> env(AzuriteServer azurite) {
        return Map.of("BLOB_STORE", "azure",
                "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "AZURE_STORAGE_CONTAINER_NAME", "bench-server");
    }

    /** Runs the case on {@code server}, which runs on {@link #env} of {@code azurite} (shared with case 9). */
    static void run(Bench context, AzuriteServer azurite, ServerProcess server) {
        Mode mode = context.mode();
        BlobContainerClient direct = directClient(azurite.connectionString());
        int senders = mode.azureInFlight().stream().mapToInt(Integer::intValue).max().orElse(1);
        UploadApi[] clients = Ingest.clients(server.base(), context.payload(), senders);
        stageDirect(direct, context.payload(), mode.warmUpBytes(), 8 * Mode.MIB, 2);
        context.warmUp(server, () -> Ingest.warmUp(clients, mode.warmUpBytes(), UploadApi.Digests.NONE));
        List<Figure> figures = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("server (PUT, Azure store)", new ArrayList<>());
        series.put("direct (Azure SDK stageBlock)", new ArrayList<>());
        CpuMeter cpu = new CpuMeter(processes(azurite, server));
        for (long chunk : mode.azureChunkSizes()) {
            for (int inFlight : mode.azureInFlight()) {
                long bytes = Mode.bytesFor(mode.azureBytes(), chunk, inFlight);
                cpu.start();
                double sdk = Bench.megabytesPerSecond(bytes,
                        stageDirect(direct, context.payload(), bytes, chunk, inFlight));
                Map<String, Double> sdkCores = cpu.coresBusy();
                cpu.start();
                double ingest = Bench.megabytesPerSecond(bytes,
                        Ingest.upload(clients, bytes, chunk, inFlight, UploadApi.Digests.NONE).seconds());
                Map<String, Double> serverCores = cpu.coresBusy();
                String label = Mode.size(chunk) + " × " + inFlight;
                Bench.log(String.format("  [azure] %s (%s): server %.0f MB/s, direct SDK %.0f MB/s; cores busy: %s; direct: %s",
                        label, Mode.size(bytes), ingest, sdk, CpuMeter.format(serverCores), CpuMeter.format(sdkCores)));
                figures.add(Figure.against(SECTION, label, "ingest vs direct SDK", ingest, "MB/s", "direct SDK", sdk)
                        .withGoal("≥ 0.85", ingest / sdk >= GOAL));
                figures.addAll(CpuMeter.figures(SECTION, label, "through the server", serverCores));
                figures.addAll(CpuMeter.figures(SECTION, label, "direct", sdkCores));
                labels.add(label);
                series.get("server (PUT, Azure store)").add(ingest);
                series.get("direct (Azure SDK stageBlock)").add(sdk);
            }
        }
        context.report().add(figures);
        context.report().chart(Charts.bars(context.chart("azure.png"),
                "Azure (Azurite): ingest through the server vs the SDK staging directly (chunk size × in flight)",
                "MB/s (10^6 bytes/s)", labels, series));
    }

    /**
     * The processes sharing the machine's cores in this case: Azurite (one Node process), the server
     * JVM and this benchmark (which sends, or stages directly).
     */
    private static Map<String, ProcessHandle> processes(AzuriteServer azurite, ServerProcess server) {
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        processes.put("Azurite", azurite.process().orElseThrow());
        processes.put("server", ProcessHandle.of(server.serverPid()).orElseThrow());
        processes.put("benchmark", ProcessHandle.current());
        return processes;
    }

    /** Stages {@code bytes} as blocks of {@code chunk} into a new blob, {@code inFlight} at once; returns seconds. Then discards them. */
    private static double stageDirect(BlobContainerClient container, Payload payload, long bytes, long chunk, int inFlight) {
        BlockBlobClient blob = container.getBlobClient("direct-" + UUID.randomUUID()).getBlockBlobClient();
        int count = (int) (bytes / chunk);
        Parallel.Timing timing = Parallel.run(count, inFlight, (worker, index) -> blob.stageBlockWithResponse(
                new BlockBlobStageBlockOptions(blockId(index), BinaryData.fromStream(payload.stream(chunk), chunk)), null, Context.NONE));
        // Committing and deleting frees Azurite's disk; not timed.
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            ids.add(blockId(index));
        }
        blob.commitBlockList(ids, true);
        blob.delete();
        return timing.seconds();
    }

    /** The same fixed-width ids the server's adapter uses. */
    private static String blockId(int index) {
        return Base64.getEncoder().encodeToString(String.format("block-%06d", index).getBytes(StandardCharsets.US_ASCII));
    }

    private static BlobContainerClient directClient(String connectionString) {
        HttpClient http = new JdkHttpClientBuilder().build();
        BlobContainerClient container = new BlobContainerClientBuilder()
                .httpClient(http)
                .connectionString(connectionString)
                .containerName("bench-direct")
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null))
                .buildClient();
        container.createIfNotExists();
        return container;
    }
}

package dev.largeupload.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's smoke mode, so that the command keeps working: every case runs against the real
 * server jar (filesystem and Azure on Azurite, direct mode against proxy mode; H2 metadata; start-up; end to end and tus against @tus/server) and writes
 * its figures, CSV and charts. Nothing here depends on speed: the figures are only checked to exist and be positive.
 */
class BenchmarkSmokeIT {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void smokeMode_runsEveryCase_andWritesFiguresCsvAndCharts() throws IOException {
        Path out = Path.of("target/benchmark-smoke").toAbsolutePath();
        Report report = Benchmark.run(Benchmark.Options.parse("--smoke", "--out", out.toString()));

        assertEquals(List.of(), report.failures(), "no case may fail");
        Set<String> sections = report.figures().stream().map(Figure::section).collect(Collectors.toSet());
        assertEquals(Set.of(FilesystemCase.SECTION, AzureCase.SECTION, MemoryCase.SECTION, MetadataCase.SECTION,
                IntegrityCase.SECTION, StartupCase.SECTION, EndToEndCase.SECTION, TusCase.SECTION, DirectCase.SECTION), sections);
        for (Figure figure : report.figures()) {
            // A difference such as the heap's growth may be negative; every other figure is a measured amount.
            assertTrue(Double.isFinite(figure.value()), "a measured value: " + figure);
            assertTrue(figure.value() >= 0 || figure.metric().contains("growth"), "a measured value: " + figure);
            assertTrue(figure.baseline().isEmpty() || figure.baselineValue() > 0, "a measured baseline: " + figure);
        }
        assertTrue(report.figures().stream().anyMatch(f -> f.section().equals(FilesystemCase.SECTION) && f.baseline().equals("raw disk")));
        assertTrue(report.figures().stream().anyMatch(f -> f.section().equals(AzureCase.SECTION) && f.baseline().equals("direct SDK")));
        // Ours at 1 and 4 in flight, each against @tus/server (started from node_modules, so npm ci must have run).
        assertEquals(EndToEndCase.IN_FLIGHT.size(), report.figures().stream()
                .filter(f -> f.section().equals(EndToEndCase.SECTION) && f.baseline().startsWith(EndToEndCase.PEER)).count());
        // The tus edge against @tus/server, once per tus client (tus-js-client on Node, the benchmark's TusClient).
        assertEquals(TusCase.Client.values().length, report.figures().stream()
                .filter(f -> f.section().equals(TusCase.SECTION) && f.baseline().startsWith(TusCase.PEER)).count());

        // Direct mode against proxy mode, into the same Azurite: throughput and the server's CPU per GiB.
        assertEquals(2, report.figures().stream()
                .filter(f -> f.section().equals(DirectCase.SECTION) && f.baseline().equals("proxy")).count());

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(report.figures().size() + 1, csv.size(), "a header and one row per figure");
        assertTrue(csv.get(0).startsWith("case,configuration,metric,value,unit,baseline"));
        assertTrue(Files.readString(out.resolve("machine.txt")).contains("cores: "));
        assertTrue(Files.readString(out.resolve("results.md")).contains("| case |"));

        List<String> charts = report.charts().stream().map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("azure.png", "direct.png", "endtoend-complete.png", "endtoend.png", "filesystem.png", "integrity.png", "memory.png",
                "metadata-calls.png", "metadata-chunks.png", "tus.png"), charts);
        for (Path chart : report.charts()) {
            byte[] bytes = Files.readAllBytes(chart);
            assertFalse(bytes.length < 1000, chart + " is too small to be a chart");
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 4), chart + " is a PNG");
        }
    }
}

package dev.largeupload.benchmark;

import dev.largeupload.azure.AzuriteServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The benchmark command. It starts what it needs (the real server jar as a process, per
 * configuration; Azurite from the project's npm lock; an in-process HTTP sink), measures every
 * case beside its baseline in the same run, prints a table and writes {@code results.csv},
 * {@code results.md}, {@code machine.txt} and PNG charts.
 *
 * <pre>
 * mvn -B -DskipTests package && java -jar upload-benchmark/target/upload-benchmark.jar [options]
 *   --smoke               small sizes, one configuration per case (under two minutes; CI runs it)
 *   --out DIR             where results go (default docs/benchmark, or target/benchmark-smoke with --smoke)
 *   --cases LIST          any of startup,filesystem,azure,memory,metadata,integrity,endtoend,tus,direct (default: all)
 *   --stores LIST         metadata stores of case 4 (default: h2,postgresql,redis,file; smoke: h2)
 *   --metadata-chunks N   chunks of the case 4 session (default 20,972: 1 TB at 50 MiB; smoke 200)
 *   --server-jar PATH     the runnable server (default: upload-web/target/upload-server.jar above the working directory)
 *   --jfr DIR             record every server JVM with JFR (settings=profile), from when it is ready until it stops, into DIR/&lt;server&gt;.jfr
 * </pre>
 * PostgreSQL ({@code 127.0.0.1:5432}, user postgres) and Redis ({@code 127.0.0.1:6379}) must be running for case 4;
 * {@code node} on the PATH and {@code npm ci} (Azurite, {@code @tus/server}, tus-js-client) for cases 2, 7, 8 and 9.
 */
public final class Benchmark {

    static final List<String> CASES = List.of("startup", "filesystem", "integrity", "metadata", "endtoend", "tus", "memory", "azure", "direct");

    /** The options of one run. */
    record Options(Mode mode, Path out, Set<String> cases, Optional<Path> serverJar, Optional<Path> jfrDir, String command) {

        static Options parse(String... args) {
            Mode mode = Mode.FULL;
            Path out = null;
            Set<String> cases = new LinkedHashSet<>(CASES);
            List<String> stores = null;
            Integer metadataChunks = null;
            Optional<Path> jar = Optional.empty();
            Optional<Path> jfr = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--smoke" -> mode = Mode.SMOKE;
                    case "--out" -> out = Path.of(value(args, ++i));
                    case "--cases" -> cases = new LinkedHashSet<>(list(value(args, ++i), CASES));
                    case "--stores" -> stores = list(value(args, ++i), List.of("h2", "postgresql", "redis", "file"));
                    case "--metadata-chunks" -> metadataChunks = Integer.valueOf(value(args, ++i));
                    case "--server-jar" -> jar = Optional.of(Path.of(value(args, ++i)));
                    case "--jfr" -> jfr = Optional.of(Path.of(value(args, ++i)));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment of Benchmark)");
                }
            }
            if (stores != null || metadataChunks != null) {
                mode = withMetadata(mode, stores != null ? stores : mode.metadataStores(),
                        metadataChunks != null ? metadataChunks : mode.metadataChunks());
            }
            if (out == null) {
                out = Path.of(mode == Mode.SMOKE ? "target/benchmark-smoke" : "docs/benchmark");
            }
            String command = "java -jar upload-benchmark/target/upload-benchmark.jar" + (args.length == 0 ? "" : " " + String.join(" ", args));
            return new Options(mode, out, cases, jar, jfr, command);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static List<String> list(String value, List<String> known) {
            List<String> items = Arrays.asList(value.split(","));
            for (String item : items) {
                if (!known.contains(item)) {
                    throw new IllegalArgumentException("unknown " + item + "; known: " + known);
                }
            }
            return items;
        }

        private static Mode withMetadata(Mode m, List<String> stores, int chunks) {
            return new Mode(m.name(), m.filesystemChunkSizes(), m.filesystemInFlight(), m.filesystemBytes(), m.azureChunkSizes(),
                    m.azureInFlight(), m.azureBytes(), m.memoryLargeChunks(), m.memoryLargeSize(), m.memorySmallChunks(),
                    m.memorySmallSize(), stores, chunks, m.metadataInFlight(), m.integrityChunkSize(),
                    m.integrityInFlight(), m.integrityBytes(), m.integrityRounds(), m.warmUpBytes(),
                    m.endToEndBytes(), m.endToEndChunkSize(), m.endToEndRounds(), m.completeSizes());
        }
    }

    private Benchmark() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Report report = run(options);
        System.exit(report.failures().isEmpty() ? 0 : 1);
    }

    /** Runs the chosen cases and writes the results; failed cases are listed in the report, not thrown. */
    static Report run(Options options) {
        System.setProperty("java.awt.headless", "true");
        Path workDir = createWorkDir();
        Machine machine = Machine.describe(workDir);
        Bench.log("Benchmark (" + options.mode().name() + ") on " + machine.facts());
        Report report = new Report();
        Bench bench = new Bench(options.mode(), options.serverJar().orElseGet(Benchmark::findServerJar), workDir,
                options.out().toAbsolutePath(), options.jfrDir(), new Payload(), report);
        long start = System.nanoTime();
        Set<String> cases = options.cases();
        boolean needsFilesystemServer = cases.contains("filesystem") || cases.contains("integrity") || cases.contains("endtoend")
                || cases.contains("tus")
                || cases.contains("metadata") && options.mode().metadataStores().contains("h2");
        try {
            options.jfrDir().ifPresent(Benchmark::createDirectories);
            // First, while no other server of this run is up: how long a newcomer waits for the server.
            runCase(report, cases, "startup", () -> StartupCase.run(bench));
            ServerProcess filesystem = null;
            try {
                if (needsFilesystemServer) {
                    filesystem = bench.startServer("filesystem", Map.of(), "256m");
                }
                ServerProcess server = filesystem;
                runCase(report, cases, "filesystem", () -> FilesystemCase.run(bench, server));
                runCase(report, cases, "integrity", () -> IntegrityCase.run(bench, server));
                runCase(report, cases, "metadata", () -> MetadataCase.run(bench, server));
                runCase(report, cases, "endtoend", () -> EndToEndCase.run(bench, server));
                runCase(report, cases, "tus", () -> TusCase.run(bench, server));
            } catch (RuntimeException e) {
                report.failed("filesystem server", e);
            } finally {
                if (filesystem != null) {
                    filesystem.close();
                }
            }
            runCase(report, cases, "memory", () -> MemoryCase.run(bench));
            if (cases.contains("azure") || cases.contains("direct")) {
                // One Azurite and one server on it for cases 2 and 9 (a server start costs CI time).
                try (AzuriteServer azurite = AzuriteServer.start();
                     ServerProcess server = bench.startServer("azure", AzureCase.env(azurite), "256m")) {
                    runCase(report, cases, "azure", () -> AzureCase.run(bench, azurite, server));
                    runCase(report, cases, "direct", () -> DirectCase.run(bench, azurite, server));
                } catch (RuntimeException e) {
                    report.failed("azure server", e);
                }
            }
        } finally {
            RawDisk.deleteTree(workDir);
        }
        Machine measured = machine.withLoadAtEnd();
        report.write(options.out(), measured, options.command());
        Bench.log(String.format("%nResults (%s mode, %.0f s; MB = 10^6 bytes; machine: %s)%n%n%s%nWritten to %s: results.csv, results.md, machine.txt, %s",
                options.mode().name(), (System.nanoTime() - start) / 1e9, measured.facts(), report.table(),
                options.out().toAbsolutePath(), report.charts().stream().map(p -> p.getFileName().toString()).toList()));
        return report;
    }

    private static void runCase(Report report, Set<String> cases, String name, Runnable body) {
        if (!cases.contains(name)) {
            return;
        }
        Bench.log("== " + name);
        long start = System.nanoTime();
        try {
            body.run();
        } catch (RuntimeException e) {
            Bench.log("  " + name + " FAILED: " + e);
            e.printStackTrace(System.out);
            report.failed(name, e);
        }
        Bench.log(String.format("   (%s: %.0f s)", name, (System.nanoTime() - start) / 1e9));
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("upload-benchmark-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code upload-web/target/upload-server.jar} in the working directory or the nearest directory above it. */
    static Path findServerJar() {
        String property = System.getProperty("upload.server.jar");
        if (property != null) {
            return requireFile(Path.of(property));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path jar = dir.resolve("upload-web/target/upload-server.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("upload-web/target/upload-server.jar not found above " + Path.of("").toAbsolutePath()
                + ": run `mvn -B -DskipTests package` first, or pass --server-jar");
    }

    private static Path requireFile(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The server jar " + jar + " is missing: run `mvn -B -DskipTests package` first");
        }
        return jar;
    }
}

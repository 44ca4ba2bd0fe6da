package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad setting stops the runnable jar at start: one line that names the key, nothing that says the
 * server or an application is available, a non-zero exit status (78, EX_CONFIG), and nothing left
 * extracted. How long it took is printed (the benchmark's start-up case measures it), never asserted.
 */
class ConfigurationIT {

    private static final int EX_CONFIG = 78;

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "CHUNK_SIZE, abc",
            "MAX_FILE_SIZE, -1",
            "METADATA_STORE, mongodb",
            "REQUIRE_UPLOAD_TOKEN, maybe",
            "UPLOAD_TTL, soon",
    })
    void badValue_exitsNonZeroWithOneLineNamingTheKey_andLeavesNothingExtracted(String key, String value) throws Exception {
        Path log = work.resolve("server.log");
        Path extractRoot = work.resolve("wlp");
        long start = System.nanoTime();
        Process server = ServerProcess.launch(work, log, Map.of(
                "PORT", Integer.toString(ServerProcess.freePort()),
                "DATA_DIR", work.resolve("data").toString(),
                "WLP_JAR_EXTRACT_ROOT", extractRoot.toString(),
                key, value), ServerProcess.jar());
        try {
            assertTrue(server.waitFor(120, TimeUnit.SECONDS), "the server kept running with " + key + "=" + value);
            System.out.printf(Locale.ROOT, "%s=%s: exited %d after %.2f s%n", key, value, server.exitValue(),
                    (System.nanoTime() - start) / 1e9);
            assertEquals(EX_CONFIG, server.exitValue(), "exit status");
            List<String> lines = Files.readAllLines(log);
            List<String> naming = lines.stream().filter(line -> line.contains(key)).toList();
            assertEquals(1, naming.size(), "exactly one line names " + key + ":\n" + String.join("\n", lines));
            assertTrue(naming.get(0).startsWith("Invalid configuration " + key + ": "), naming.get(0));
            assertTrue(lines.stream().noneMatch(ConfigurationIT::announcesAvailability), String.join("\n", lines));
            assertEquals(List.of(), filesUnder(extractRoot), "nothing may be left extracted");
        } finally {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    /**
     * A setting the application can only judge once it runs (the store it names cannot be reached):
     * the application fails, alone, and the runnable jar then stops the whole server with EX_CONFIG.
     */
    @Test
    void unreachableStore_failsTheApplication_andTheRunnableJarExitsNonZeroNamingTheKey() throws Exception {
        Path log = work.resolve("server.log");
        Process server = ServerProcess.launch(work, log, Map.of(
                "PORT", Integer.toString(ServerProcess.freePort()),
                "DATA_DIR", work.resolve("data").toString(),
                "WLP_JAR_EXTRACT_ROOT", work.resolve("wlp").toString(),
                "METADATA_STORE", "postgresql",
                "DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + ServerProcess.freePort() + "/nothing-listens-here"),
                ServerProcess.jar());
        try {
            assertTrue(server.waitFor(180, TimeUnit.SECONDS), "the server kept running with an unreachable database");
            assertEquals(EX_CONFIG, server.exitValue(), "exit status");
            List<String> lines = Files.readAllLines(log);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("Invalid configuration DATABASE_URL: ")),
                    String.join("\n", lines));
            assertTrue(lines.stream().noneMatch(line -> line.contains("CWWKF0011I")), "the server never said it was ready");
        } finally {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    private static boolean announcesAvailability(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        return lower.contains("available") || lower.contains("ready") || lower.contains("started") || lower.contains("listening");
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }
}

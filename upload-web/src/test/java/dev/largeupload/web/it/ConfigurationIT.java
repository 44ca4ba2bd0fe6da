package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad configuration stops the server at start with one line that names the key. */
class ConfigurationIT {

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "CHUNK_SIZE, fifty",
            "MAX_FILE_SIZE, -1",
            "METADATA_STORE, mongodb",
            "REQUIRE_UPLOAD_TOKEN, maybe",
            "UPLOAD_TTL, soon",
    })
    void badValue_stopsTheServerWithALineNamingTheKey(String key, String value) throws Exception {
        Path log = work.resolve("server.log");
        Process server = ServerProcess.launch(work, log, Map.of(
                "PORT", Integer.toString(ServerProcess.freePort()),
                "DATA_DIR", work.resolve("data").toString(),
                "WLP_JAR_EXTRACT_ROOT", work.resolve("wlp").toString(),
                key, value), ServerProcess.jar());
        try {
            assertTrue(server.waitFor(120, TimeUnit.SECONDS), "the server kept running with " + key + "=" + value);
            assertNotEquals(0, server.exitValue());
            String output = Files.readString(log);
            assertTrue(output.lines().anyMatch(line -> line.contains("Invalid configuration " + key + ":")), output);
        } finally {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }
}

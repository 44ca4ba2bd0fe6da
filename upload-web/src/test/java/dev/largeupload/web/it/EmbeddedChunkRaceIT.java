package dev.largeupload.web.it;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** {@link ChunkRaceIT} on the embedded default: H2 and the filesystem blob store. */
class EmbeddedChunkRaceIT extends ChunkRaceIT {

    @BeforeAll
    static void start() {
        startServer(Map.of());
    }
}

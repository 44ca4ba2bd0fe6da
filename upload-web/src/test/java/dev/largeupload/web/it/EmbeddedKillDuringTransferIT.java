package dev.largeupload.web.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.largeupload.web.it.UploadClient.Upload;
import java.nio.file.Files;

/** Kills during transfers on the embedded default: H2 and the filesystem blob store under DATA_DIR. */
@Server
class EmbeddedKillDuringTransferIT extends KillDuringTransferIT {

    @Override
    protected void assertNothingStagedLeft(ServerProcess server, StoreEnvironment stores, Upload upload) {
        // Chunks, and the temporary files of chunks cut off by the kills, are removed with the commit.
        assertFalse(Files.exists(server.dataDir().resolve("blobs/staging").resolve(upload.id())),
                "staged data of the completed upload is left behind");
    }
}

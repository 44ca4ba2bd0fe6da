package dev.largeupload.web.it;

import java.util.Map;

/** Crash and restart with METADATA_STORE=file: one directory per upload under DATA_DIR. */
class FileRestartResumeIT extends RestartResumeIT {

    @Override
    protected Map<String, String> storeEnvironment() {
        return Map.of("METADATA_STORE", "file");
    }
}

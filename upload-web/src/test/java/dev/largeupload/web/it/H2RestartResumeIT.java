package dev.largeupload.web.it;

import java.util.Map;

/** Crash and restart on the embedded default: H2 and files under DATA_DIR. */
class H2RestartResumeIT extends RestartResumeIT {

    @Override
    protected Map<String, String> storeEnvironment() {
        return Map.of();
    }
}

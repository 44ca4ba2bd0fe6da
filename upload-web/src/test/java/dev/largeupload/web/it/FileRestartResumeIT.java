package dev.largeupload.web.it;

/** Crash and restart with METADATA_STORE=file: one directory per upload under DATA_DIR. */
@Server(stores = Stores.FILE)
class FileRestartResumeIT extends RestartResumeIT {
}

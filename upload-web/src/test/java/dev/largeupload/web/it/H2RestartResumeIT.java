package dev.largeupload.web.it;

/** Crash and restart on the embedded default: H2 and files under DATA_DIR. */
@Server
class H2RestartResumeIT extends RestartResumeIT {
}

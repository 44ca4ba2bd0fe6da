package dev.largeupload.web.it;

import dev.largeupload.web.it.UploadClient.Upload;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The filesystem blob store gone (the embedded default, H2 staying): {@code DATA_DIR/blobs} is moved
 * away and a plain file put in its place, so every path under it fails as on a lost mount (root
 * ignores permissions, so making it read-only would prove nothing); then it is put back.
 */
@Server
class FilesystemBlobOutageIT extends BlobStoreOutageIT {

    private Path blobs() {
        return server.dataDir().resolve("blobs");
    }

    private Path away() {
        return server.dataDir().resolve("blobs.away");
    }

    @Override
    protected void storeGone() throws Exception {
        Files.move(blobs(), away());
        Files.writeString(blobs(), "not a directory");
    }

    @Override
    protected void storeBack() throws Exception {
        if (Files.isRegularFile(blobs())) {
            Files.delete(blobs());
            Files.move(away(), blobs());
        }
    }

    @Override
    protected boolean inFlightMayFinish() {
        return true;
    }

    @Override
    protected boolean committed(Upload upload) {
        return Files.isRegularFile(blobs().resolve("committed").resolve(upload.id()));
    }
}

package dev.largeupload.web.it;

import dev.largeupload.web.it.UploadClient.Upload;

/**
 * Azure Blob Storage gone (Azurite behind a {@link TcpProxy} that the test cuts: open connections
 * closed, new ones refused), the upload state in Redis staying.
 */
@Server(stores = Stores.AZURE_REDIS, proxied = Server.Proxied.BLOBS)
class AzureBlobOutageIT extends BlobStoreOutageIT {

    @Override
    protected void storeGone() {
        stores.proxy().cut();
    }

    @Override
    protected void storeBack() {
        stores.proxy().restore();
    }

    @Override
    protected boolean committed(Upload upload) {
        return stores.container().getBlobClient(upload.id()).exists();
    }
}

package dev.largeupload.web.it;

/** Resume inside a chunk on the embedded default: H2 and the filesystem blob store (positional writes). */
@Server
class EmbeddedPartialChunkIT extends PartialChunkIT {
}

package dev.largeupload.web.it;

/** The tus edge on the embedded default: H2 and the filesystem blob store (pieces beside the data file). */
@Server(env = "CORS_ALLOWED_ORIGINS=" + TusProtocolIT.ORIGIN)
class EmbeddedTusProtocolIT extends TusProtocolIT {
}

package dev.largeupload.web.it;

/** The tus edge with blocks and pieces in Azure (Azurite), the state in H2. */
@Server(stores = Stores.AZURE, env = "CORS_ALLOWED_ORIGINS=" + TusProtocolIT.ORIGIN)
class AzureTusProtocolIT extends TusProtocolIT {
}

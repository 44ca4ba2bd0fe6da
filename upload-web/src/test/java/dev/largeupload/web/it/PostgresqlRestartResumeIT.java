package dev.largeupload.web.it;

/** Crash and restart with METADATA_STORE=postgresql, through Liberty's pooled data source, on a database of its own. */
@Server(stores = Stores.POSTGRESQL)
class PostgresqlRestartResumeIT extends RestartResumeIT {
}

package dev.largeupload.web.it;

/** PostgreSQL (through Liberty's pooled data source) going away mid-upload, on a database of its own. */
@Server(stores = Stores.POSTGRESQL, proxied = Server.Proxied.METADATA)
class PostgresqlOutageIT extends StoreOutageIT {
}

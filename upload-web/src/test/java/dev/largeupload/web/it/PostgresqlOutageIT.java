package dev.largeupload.web.it;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** PostgreSQL (through Liberty's pooled data source) going away mid-upload, on a database of its own. */
class PostgresqlOutageIT extends StoreOutageIT {

    static PostgresDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.drop();
        }
    }

    @Override
    protected Map.Entry<String, Integer> backend() {
        return Map.entry("127.0.0.1", 5432);
    }

    @Override
    protected Map<String, String> environment(int proxyPort) {
        return Map.of("METADATA_STORE", "postgresql", "DATABASE_USER", database.user(),
                "DATABASE_URL", database.jdbcUrl().replace(":5432/", ":" + proxyPort + "/"));
    }
}

package dev.largeupload.web.it;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two servers sharing one PostgreSQL database (through Liberty's pooled data source) and one Azurite container. */
class PostgresqlSharedStoresIT extends SharedStoresIT {

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
    protected Map<String, String> metadataEnvironment() {
        return Map.of("METADATA_STORE", "postgresql", "DATABASE_URL", database.jdbcUrl(), "DATABASE_USER", database.user());
    }
}

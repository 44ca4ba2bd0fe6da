package dev.largeupload.web.it;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Crash and restart with METADATA_STORE=postgresql, through Liberty's pooled data source, on a database of its own. */
class PostgresqlRestartResumeIT extends RestartResumeIT {

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
    protected Map<String, String> storeEnvironment() {
        return Map.of("METADATA_STORE", "postgresql", "DATABASE_URL", database.jdbcUrl(), "DATABASE_USER", database.user());
    }
}

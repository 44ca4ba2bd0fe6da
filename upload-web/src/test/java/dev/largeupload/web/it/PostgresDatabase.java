package dev.largeupload.web.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A database of its own on the PostgreSQL server of this machine (PGHOST/PGPORT/PGUSER, default
 * 127.0.0.1:5432 as postgres), created for a test class and dropped after it. The server must be
 * reachable: a test that needs PostgreSQL fails without it, it never skips.
 */
final class PostgresDatabase {

    private final String name;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    static PostgresDatabase create() {
        String name = "upload_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        return new PostgresDatabase(name);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + name;
    }

    String user() {
        return env("PGUSER", "postgres");
    }

    void drop() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void admin(String sql) {
        String url = "jdbc:postgresql://" + host() + ":" + port() + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, env("PGUSER", "postgres"), env("PGPASSWORD", ""));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " is needed by this test and failed: " + e.getMessage()
                    + " (start it: pg_ctlcluster --skip-systemctl-redirect <version> main start)", e);
        }
    }

    static String host() {
        return env("PGHOST", "127.0.0.1");
    }

    static int port() {
        return Integer.parseInt(env("PGPORT", "5432"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

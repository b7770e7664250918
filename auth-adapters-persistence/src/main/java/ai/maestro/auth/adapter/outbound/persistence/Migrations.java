package ai.maestro.auth.adapter.outbound.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Versioned schema migrations, run on start. The same SQL runs on H2 and PostgreSQL. Each
 * migration is idempotent DDL and is recorded once in {@code maestro_auth_schema_version}, so
 * several processes may start at once.
 */
final class Migrations {
    /** In order; append only. */
    static final List<String> SCRIPTS = List.of("V1__saved_authentications.sql", "V2__refresh_locks.sql",
            "V3__store_changes.sql", "V4__accounts.sql", "V5__refresh_leases.sql",
            "V6__last_refresh.sql", "V7__lease_from_version.sql", "V8__lock_name.sql");

    private Migrations() {
    }

    static void migrate(StoreConnections connections, boolean postgres) {
        if (isCurrent(connections)) {
            return; // one query: no DDL, no transaction, no lock, no Jdbi
        }
        Jdbi jdbi = connections.jdbi();
        try {
            migrateOnce(jdbi, postgres);
        } catch (RuntimeException raceWithAnotherProcess) {
            // Two processes starting together may both apply a version; the loser's insert fails.
            // Its DDL was idempotent, so running again finds the version recorded and does nothing.
            migrateOnce(jdbi, postgres);
        }
    }

    private static void migrateOnce(Jdbi jdbi, boolean postgres) {
        jdbi.useTransaction(handle -> {
            if (postgres) {
                // Concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog.
                handle.execute(StoreSql.SCHEMA_LOCK);
            }
            handle.execute(StoreSql.SCHEMA_TABLE);
            int applied = handle.createQuery(StoreSql.SCHEMA_VERSION).mapTo(Integer.class).one();
            for (int version = applied + 1; version <= SCRIPTS.size(); version++) {
                String script = SCRIPTS.get(version - 1);
                for (String statement : read(script).split(";")) {
                    if (!statement.isBlank()) {
                        handle.execute(statement);
                    }
                }
                handle.createUpdate(StoreSql.SCHEMA_APPLIED).bind("version", version).bind("script", script)
                        .execute();
            }
        });
    }

    /** True when every migration is recorded; false too when the version table does not exist yet. */
    private static boolean isCurrent(StoreConnections connections) {
        try {
            return currentVersion(connections) >= SCRIPTS.size();
        } catch (RuntimeException noTableYet) {
            return false;
        }
    }

    static int currentVersion(StoreConnections connections) {
        return connections.read(StoreSql.SCHEMA_VERSION, rs -> rs.getInt(1)).get(0);
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replaceAll("(?m)^\\s*--.*$", "");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
    }
}

package ai.maestro.auth.adapter.outbound.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The store's connections: the one a visit holds, reads on JDBC itself, and Jdbi for the rest.
 *
 * <p>A command that only reads (a cached {@code token}, {@code status}) runs a few SELECTs with
 * string parameters; JDBC does that by itself, while Jdbi's first use in a process builds its
 * configuration registry (measured in a new JVM: ~100 ms and ~500 classes for one query, against a
 * plain prepared statement). So reads go to JDBC, and Jdbi is built on the first write or lease.
 * Both use the connection a visit holds, so a visit still opens an embedded database once. Read
 * failures are thrown as Jdbi's own exceptions, which every caller already translates.
 */
final class StoreConnections {
    /** Reads one row of a result. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;
    /** The connection the current visit of this thread holds, if it holds one. */
    private final ThreadLocal<Connection> visiting = new ThreadLocal<>();
    private volatile Jdbi jdbi;

    StoreConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Jdbi on these connections: inside a held visit its handles use the visit's connection. */
    Jdbi jdbi() {
        Jdbi built = jdbi;
        if (built == null) {
            synchronized (this) {
                built = jdbi;
                if (built == null) {
                    // The statements are plain SQL with :named parameters, no <attribute> templates: no
                    // template engine to run over each (it would load and start a parser of its own).
                    built = Jdbi.create(new ConnectionFactory() {
                        @Override
                        public Connection openConnection() throws SQLException {
                            Connection held = visiting.get();
                            return held != null ? held : dataSource.getConnection();
                        }

                        @Override
                        public void closeConnection(Connection connection) throws SQLException {
                            if (connection != visiting.get()) {
                                connection.close();
                            }
                        }
                    }).setTemplateEngine(new NoTemplateEngine());
                    jdbi = built;
                }
            }
        }
        return built;
    }

    /** Runs {@code work} holding one connection for everything inside it (nested: the outer one). */
    <T> T held(Supplier<T> work) {
        if (visiting.get() != null) {
            return work.get();
        }
        try (Connection connection = open()) {
            visiting.set(connection);
            try {
                return work.get();
            } finally {
                visiting.remove();
            }
        } catch (SQLException closing) {
            throw new ConnectionException(closing);
        }
    }

    /** The rows {@code sql} selects, with {@code parameters} bound to its {@code ?} in order. */
    <T> List<T> read(String sql, RowReader<T> reader, String... parameters) {
        Connection held = visiting.get();
        if (held != null) {
            return read(held, sql, reader, parameters);
        }
        try (Connection connection = open()) {
            return read(connection, sql, reader, parameters);
        } catch (SQLException closing) {
            throw new ConnectionException(closing);
        }
    }

    /** As {@link #read(String, RowReader, String...)}, on a connection of a Jdbi handle. */
    static <T> List<T> read(Connection connection, String sql, RowReader<T> reader, String... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("A read of the credential store failed", e, null);
        }
    }

    /** A row as column label (lower case) to value. */
    static Map<String, Object> row(ResultSet rs) throws SQLException {
        ResultSetMetaData columns = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            row.put(columns.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
        }
        return row;
    }

    private Connection open() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
    }
}

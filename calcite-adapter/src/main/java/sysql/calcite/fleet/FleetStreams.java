// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What runs a fleet query for SQL's {@code TABLE(fleet('brokers', 'SELECT STREAM …'))}: the Kafka and Flink side,
 * which this module does not know (the {@code sysql} command's jar provides it through {@link
 * java.util.ServiceLoader}, {@code META-INF/services/sysql.calcite.fleet.FleetStreams}).
 */
public interface FleetStreams {
    /** One column of a fleet query's rows. */
    record Column(String name, SqlTypeName type) {}

    /**
     * The columns of the fleet query's rows, in order; a query that cannot be split or prepared is a {@link
     * sysql.calcite.SysqlException} saying why in one line.
     */
    List<Column> columns(String query);

    /**
     * Starts {@code query} over the fleet whose brokers are {@code bootstrap}, with the Kafka client settings and
     * fleet settings of the properties file {@code config} (the connection's {@code fleetConfig}), or the defaults
     * when it is null; a setting no Kafka client knows is an {@link IOException} naming it.
     */
    Cursor open(String bootstrap, String query, @Nullable Path config) throws IOException;

    /** The rows of a running fleet query. */
    interface Cursor extends AutoCloseable {
        /**
         * The next row (Long, Integer, Double, Boolean, String, java.time.LocalDateTime, byte[], BigDecimal or null
         * values, in the columns' order), waiting up to {@code millis}; null if none came by then or the rows ended.
         *
         * @throws IOException when the query failed
         */
        Object[] poll(long millis) throws IOException;

        /** Whether the rows have ended (the query's LIMIT, or it failed). */
        boolean ended();

        /** Stops the query on every host and its global part. */
        @Override
        void close();
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import sysql.calcite.fleet.FleetStreams;
import sysql.calcite.sql.FleetQueries;

/**
 * SQL's {@code TABLE(fleet('brokers', 'SELECT STREAM …'))} (calcite-adapter's {@link FleetStreams}, found through
 * {@code META-INF/services}): the default control topic and lateness, no extra Kafka settings; what the hosts
 * answer goes to standard error.
 */
public final class FleetSqlStreams implements FleetStreams {
    @Override
    public List<Column> columns(String query) {
        FleetQueries.Split split = FleetQueries.split(query);
        try {
            return FleetPlan.outputColumns(split, FleetPlan.hostTypes(split.hostSql()));
        } catch (java.sql.SQLException e) {
            throw new sysql.calcite.SysqlException(e.getMessage(), e);
        }
    }

    @Override
    public Cursor open(String bootstrap, String query) throws IOException {
        FleetQueries.Split split = FleetQueries.split(query);
        Map<String, String> columns;
        try {
            columns = FleetPlan.flinkTypes(FleetPlan.hostTypes(split.hostSql()));
        } catch (java.sql.SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        return FleetJob.start(
                split,
                columns,
                new FleetJob.Settings(bootstrap, FleetControl.DEFAULT_TOPIC, Map.of(), Duration.ofSeconds(5)),
                new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import sysql.calcite.fleet.FleetStreams;
import sysql.calcite.sql.FleetQueries;

/**
 * SQL's {@code TABLE(fleet('brokers', 'SELECT STREAM …'))} (calcite-adapter's {@link FleetStreams}, found through
 * {@code META-INF/services}): the Kafka settings, control topic and lateness of the connection's {@code fleetConfig}
 * file, or the defaults; what the hosts answer goes to standard error.
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

    /** {@code fleetConfig}'s keys of sysql's own, beside Kafka's client settings. */
    static final String CONTROL_TOPIC = "sysql.control.topic";

    static final String LATENESS = "sysql.lateness";

    /**
     * The fleet settings of the properties file {@code config} ({@code fleetConfig}): its Kafka client settings, and
     * {@link #CONTROL_TOPIC} and {@link #LATENESS} (seconds, 0 to 3600); the defaults when it is null. A file that
     * cannot be read, a key no Kafka client knows, or a bad value is an {@link IOException} saying which.
     */
    static FleetJob.Settings settings(String bootstrap, Path config) throws IOException {
        if (config == null) {
            return new FleetJob.Settings(bootstrap, FleetControl.DEFAULT_TOPIC, Map.of(), DEFAULT_LATENESS);
        }
        Properties file = new Properties();
        // as Kafka's own tools read their client configs: a properties file of ISO-8859-1 with \\u escapes
        try (InputStream in = Files.newInputStream(config)) {
            file.load(in);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException
                    ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IOException("cannot read fleetConfig " + config + ": " + why, e);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read fleetConfig " + config + ": " + e.getMessage(), e);
        }
        Map<String, String> kafka = new LinkedHashMap<>();
        file.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> kafka.put(k, file.getProperty(k).trim()));
        String topic = kafka.remove(CONTROL_TOPIC);
        String lateness = kafka.remove(LATENESS);
        List<String> unknown = FleetControl.unknownSettings(kafka);
        if (!unknown.isEmpty()) {
            throw new IOException("fleetConfig " + config + ": not a Kafka client setting nor " + CONTROL_TOPIC + " or "
                    + LATENESS + ": " + String.join(", ", unknown));
        }
        if (kafka.containsKey("bootstrap.servers")) {
            throw new IOException("fleetConfig " + config
                    + ": the brokers are fleet()'s first argument, not bootstrap.servers: leave it out");
        }
        Duration late = DEFAULT_LATENESS;
        if (lateness != null) {
            try {
                late = Duration.ofSeconds(Integer.parseInt(lateness.trim()));
            } catch (NumberFormatException e) {
                late = Duration.ofSeconds(-1);
            }
            if (late.isNegative() || late.getSeconds() > 3600) {
                throw new IOException(
                        "fleetConfig " + config + ": " + LATENESS + "=" + lateness + " is not seconds from 0 to 3600");
            }
        }
        return new FleetJob.Settings(
                bootstrap, topic == null || topic.isBlank() ? FleetControl.DEFAULT_TOPIC : topic, kafka, late);
    }

    private static final Duration DEFAULT_LATENESS = Duration.ofSeconds(5);

    @Override
    public Cursor open(String bootstrap, String query, Path config) throws IOException {
        FleetJob.Settings settings = settings(bootstrap, config);
        FleetQueries.Split split = FleetQueries.split(query);
        Map<String, String> columns;
        try {
            columns = FleetPlan.flinkTypes(FleetPlan.hostTypes(split.hostSql()));
        } catch (java.sql.SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        return FleetJob.start(
                split, columns, settings, new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.fleet.FleetStreams;
import sysql.calcite.sql.FleetQueries;
import sysql.calcite.sql.FleetQueries.Output;
import sysql.calcite.sql.FleetQueries.Split;
import sysql.capture.CaptureException;
import sysql.capture.scap.InitialState;
import sysql.capture.scap.ScapFileWriter;
import sysql.capture.scap.SectionHeader;
import sysql.fleet.flink.FleetSchema;

/**
 * The global part of a fleet query in Flink SQL: the Kafka table of the hosts' rows (its columns typed as sysql
 * types the host part's) and the query over it. For windows, each host's partial rows fall in Flink's window of the
 * same start (a tumbling window of the slide over the partials' {@code w_start}), are grouped by the same keys and
 * added up ({@code COUNT} and {@code SUM} by SUM, {@code MIN}/{@code MAX} by themselves, {@code AVG} as the sum of
 * the sums over the sum of the counts); the hosts' tick rows ({@code n} NULL) only move the watermark.
 */
public record FleetPlan(String ddl, String globalSql, List<String> labels, String tickColumn, long tickLagMillis) {
    /** The Flink table's name. */
    static final String TABLE = "hosts";
    /** How much before now a host's tick says its rows are complete, beyond the window's size. */
    static final long TICK_MARGIN_MILLIS = 2_000;

    /**
     * The plan of {@code split}, whose host part's columns have the Flink types {@code columns} (in order), over
     * {@code topic}: {@code lateness} is how long after a host's tick another's partials may still come.
     */
    public static FleetPlan of(
            Split split,
            Map<String, String> columns,
            String topic,
            String bootstrap,
            String groupId,
            Duration lateness,
            Map<String, String> kafkaProperties) {
        FleetSchema.KafkaTable table = FleetSchema.kafkaTable(TABLE)
                .topic(topic)
                .bootstrapServers(bootstrap)
                .groupId(groupId)
                .startupMode("earliest-offset");
        columns.forEach(table::column);
        kafkaProperties.forEach((k, v) -> table.option("properties." + k, v));
        List<String> labels = split.outputs().stream().map(Output::label).toList();
        String where = hostFilters(split);
        if (split.window() == null) {
            table.rowtime(null);
            List<String> select = new ArrayList<>();
            for (Output o : split.outputs()) {
                select.add(FleetSchema.quote(o.column()) + " AS " + FleetSchema.quote(o.label()));
            }
            String sql = "SELECT " + String.join(", ", select) + " FROM " + TABLE
                    + (where.isEmpty() ? "" : " WHERE " + where);
            return new FleetPlan(table.ddl(), sql, labels, null, 0);
        }
        table.rowtime(FleetQueries.WINDOW_START).watermarkDelay(lateness);
        List<String> select = new ArrayList<>();
        for (Output o : split.outputs()) {
            String label = FleetSchema.quote(o.label());
            String c = FleetSchema.quote(o.column());
            select.add(
                    switch (o.role()) {
                        case WINDOW_START -> "window_start AS " + label;
                        case AGGREGATE ->
                            switch (o.function()) {
                                case "COUNT", "SUM" -> "SUM(" + c + ") AS " + label;
                                case "MIN" -> "MIN(" + c + ") AS " + label;
                                case "MAX" -> "MAX(" + c + ") AS " + label;
                                case "AVG" ->
                                    "CAST(SUM(" + c + ") AS DOUBLE) / SUM(" + FleetSchema.quote(o.countColumn())
                                            + ") AS " + label;
                                default -> throw new IllegalStateException("no global form of " + o.function());
                            };
                        default -> c + " AS " + label;
                    });
        }
        List<String> group = new ArrayList<>(List.of("window_start", "window_end", FleetQueries.WINDOW_END));
        split.groupColumns().forEach(g -> group.add(FleetSchema.quote(g)));
        String sql = "SELECT " + String.join(", ", select) + " FROM TABLE(TUMBLE(TABLE " + TABLE + ", DESCRIPTOR("
                + FleetQueries.WINDOW_START + "), "
                + FleetSchema.interval(Duration.ofMillis(split.window().slideMillis()))
                + ")) WHERE "
                + FleetQueries.ROWS + " IS NOT NULL" + (where.isEmpty() ? "" : " AND " + where) + " GROUP BY "
                + String.join(", ", group);
        return new FleetPlan(
                table.ddl(),
                sql,
                labels,
                FleetQueries.WINDOW_START,
                // windows start at multiples of the slide, and Flink fires a window once the watermark passes its
                // end: a partial still to come (window start > now - size) falls in a window that has not fired
                split.window().sizeMillis() - split.window().slideMillis() + TICK_MARGIN_MILLIS);
    }

    /** The conditions on host.name and host.id, in Flink's quoting (the names backquoted), joined by AND. */
    private static String hostFilters(Split split) {
        List<String> out = new ArrayList<>();
        for (String f : split.hostFilters()) {
            out.add("(" + backquoteHostNames(f) + ")");
        }
        return String.join(" AND ", out);
    }

    /** {@code host.name}/{@code host.id} (plain or double-quoted) backquoted, outside string literals. */
    static String backquoteHostNames(String condition) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < condition.length()) {
            char c = condition.charAt(i);
            if (c == '\'') {
                int end = condition.indexOf('\'', i + 1);
                while (end > 0 && end + 1 < condition.length() && condition.charAt(end + 1) == '\'') {
                    end = condition.indexOf('\'', end + 2);
                }
                end = end < 0 ? condition.length() - 1 : end;
                sb.append(condition, i, end + 1);
                i = end + 1;
                continue;
            }
            String rest = condition.substring(i).toLowerCase(java.util.Locale.ROOT);
            char before = i == 0 ? ' ' : condition.charAt(i - 1);
            boolean wordStart = !(Character.isLetterOrDigit(before) || before == '_' || before == '.' || before == '`');
            String matched = null;
            for (String name : List.of("\"host.name\"", "\"host.id\"", "host.name", "host.id")) {
                if (wordStart && rest.startsWith(name)) {
                    int after = i + name.length();
                    if (after >= condition.length()
                            || !(Character.isLetterOrDigit(condition.charAt(after))
                                    || condition.charAt(after) == '_')) {
                        matched = name;
                        break;
                    }
                }
            }
            if (matched != null) {
                sb.append('`').append(matched.replace("\"", "")).append('`');
                i += matched.length();
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** A host part's column type as sysql's planner gives it. */
    record JdbcType(int type, int precision, int scale) {}

    /** The Flink types of the host part's columns ({@link #hostTypes}). */
    public static Map<String, String> hostColumns(String hostSql) throws SQLException {
        return flinkTypes(hostTypes(hostSql));
    }

    /** The Flink types of these columns. */
    static Map<String, String> flinkTypes(Map<String, JdbcType> types) {
        Map<String, String> out = new LinkedHashMap<>();
        types.forEach((name, t) -> out.put(name, flinkType(t.type(), t.precision(), t.scale())));
        return out;
    }

    /**
     * The columns of the fleet query's rows, typed: the window's bounds TIMESTAMP, the host's name and id VARCHAR, a
     * value or key as the host part types it, COUNT BIGINT, SUM/MIN/MAX as their partial, AVG DOUBLE.
     */
    static List<FleetStreams.Column> outputColumns(Split split, Map<String, JdbcType> host) {
        List<FleetStreams.Column> out = new ArrayList<>();
        for (Output o : split.outputs()) {
            SqlTypeName type = switch (o.role()) {
                case WINDOW_START, WINDOW_END -> SqlTypeName.TIMESTAMP;
                case HOST -> SqlTypeName.VARCHAR;
                case AGGREGATE ->
                    o.function().equals("AVG")
                            ? SqlTypeName.DOUBLE
                            : o.function().equals("COUNT") ? SqlTypeName.BIGINT : sqlType(host.get(o.column()));
                default -> sqlType(host.get(o.column()));
            };
            out.add(new FleetStreams.Column(o.label(), type));
        }
        return out;
    }

    private static SqlTypeName sqlType(JdbcType t) {
        if (t == null) {
            return SqlTypeName.VARCHAR;
        }
        SqlTypeName n = SqlTypeName.getNameForJdbcType(t.type());
        return n == null || n == SqlTypeName.CHAR ? SqlTypeName.VARCHAR : n;
    }

    /**
     * The types of the host part's columns, as sysql's planner types them: the statement is prepared (not run) on an
     * empty capture file, so no capture and no privilege is needed.
     */
    static Map<String, JdbcType> hostTypes(String hostSql) throws SQLException {
        Path empty;
        try {
            empty = Files.createTempFile("sysql-fleet-", ".scap");
            ScapFileWriter.create(
                            empty,
                            new InitialState(
                                    new SectionHeader(1, 2, -1, 0),
                                    null,
                                    List.of(),
                                    List.of(),
                                    List.of(),
                                    List.of(),
                                    List.of()),
                            ScapFileWriter.Options.defaults())
                    .close(); // no events
        } catch (java.io.IOException | CaptureException e) {
            throw new SQLException("cannot write a temporary file to type the query: " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sysql:file=" + empty);
                PreparedStatement ps = c.prepareStatement(hostSql)) {
            ResultSetMetaData md = ps.getMetaData();
            Map<String, JdbcType> columns = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.put(
                        md.getColumnLabel(i), new JdbcType(md.getColumnType(i), md.getPrecision(i), md.getScale(i)));
            }
            return columns;
        } finally {
            try {
                Files.deleteIfExists(empty);
            } catch (java.io.IOException e) {
                // a temporary file
            }
        }
    }

    /** The Flink SQL type of a JDBC column type, as the export sends it (FlightBatches' Arrow types). */
    static String flinkType(int type, int precision, int scale) {
        return switch (type) {
            case Types.BIGINT -> "BIGINT";
            case Types.INTEGER -> "INT";
            case Types.SMALLINT -> "SMALLINT";
            case Types.TINYINT -> "TINYINT";
            case Types.BOOLEAN, Types.BIT -> "BOOLEAN";
            case Types.DOUBLE, Types.FLOAT -> "DOUBLE";
            case Types.REAL -> "FLOAT";
            case Types.DECIMAL, Types.NUMERIC ->
                precision > 0 && precision <= 38 && scale >= 0 && scale <= precision
                        ? "DECIMAL(" + precision + ", " + scale + ")"
                        : "STRING";
            case Types.DATE -> "DATE";
            case Types.TIME -> "TIME(3)";
            case Types.TIMESTAMP -> "TIMESTAMP(3)";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> "BYTES";
            default -> "STRING";
        };
    }
}

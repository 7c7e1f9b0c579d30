// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.fields.FieldType;

/**
 * sysql's field catalog as a Flink table schema, and the {@code CREATE TABLE} DDL of a Kafka topic of rows written
 * by {@code sysql export}. Column names are sysql's (sysdig field names with dots, such as {@code proc.name}, or the
 * query's aliases) kept as they are and backquoted in Flink SQL; the exporter adds {@code host.name} and
 * {@code host.id} to every row. One exception: Flink refuses a dotted rowtime attribute, so the watermark of
 * {@code evt.time} is on the computed column {@code evt_time AS `evt.time`} (windows use
 * {@code DESCRIPTOR(evt_time)}).
 *
 * <pre>{@code
 * String ddl = FleetSchema.kafkaTable("events")
 *         .fields("evt.time", "proc.name", "evt.type")
 *         .topic("sysql-events").bootstrapServers("broker:9092").groupId("fleet")
 *         .watermarkDelay(Duration.ofSeconds(2))
 *         .ddl();
 * }</pre>
 */
public final class FleetSchema {
    /** The column naming the exporting host (its host name). */
    public static final String HOST_NAME = "host.name";
    /** The column identifying the exporting host (the Kafka key too). */
    public static final String HOST_ID = "host.id";
    /** The default rowtime column. */
    public static final String EVT_TIME = "evt.time";

    private FleetSchema() {}

    /** The record format of the topic. */
    public enum Format {
        /** One Arrow IPC stream per record (this module's {@code sysql-arrow}). */
        SYSQL_ARROW(SysqlArrowFormatFactory.IDENTIFIER),
        /** One flat JSON object per row, dotted names as keys (Flink's {@code json}). */
        JSON("json");

        private final String identifier;

        Format(String identifier) {
            this.identifier = identifier;
        }

        /** The value of {@code 'format'}. */
        public String identifier() {
            return identifier;
        }
    }

    /**
     * The Flink SQL type of a sysql type: BIGINT, INT, BOOLEAN, STRING, TIMESTAMP(3) (UTC, milliseconds), DOUBLE,
     * BYTES.
     */
    public static String flinkType(FieldType type) {
        return switch (type) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INT";
            case BOOLEAN -> "BOOLEAN";
            case VARCHAR -> "STRING";
            case TIMESTAMP -> "TIMESTAMP(3)";
            case DOUBLE -> "DOUBLE";
            case VARBINARY -> "BYTES";
        };
    }

    /**
     * The Flink SQL type of a catalog field (parametric names such as {@code evt.arg.fd} included).
     *
     * @throws IllegalArgumentException if sysql has no such field
     */
    public static String flinkType(String catalogField) {
        Field f = FieldCatalog.get(catalogField);
        if (f == null) {
            throw new IllegalArgumentException(
                    "not a sysql field: " + catalogField + "; for another result column (an alias, an aggregate)"
                            + " give its Flink type with column(name, type)");
        }
        return flinkType(f.type());
    }

    /** Every fixed catalog field with its Flink SQL type, in catalog order. */
    public static Map<String, String> catalogColumns() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Field f : FieldCatalog.all()) {
            m.put(f.name(), flinkType(f.type()));
        }
        return Collections.unmodifiableMap(m);
    }

    /** A Flink SQL identifier: backquoted, a backquote inside doubled. */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** A Flink SQL string literal: single-quoted, a quote inside doubled. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A builder of the {@code CREATE TABLE} DDL of a Kafka topic of exported rows, named {@code table}. */
    public static KafkaTable kafkaTable(String table) {
        return new KafkaTable(table);
    }

    /**
     * The {@code CREATE TABLE} of a Kafka topic of exported rows: the columns in the order given, then
     * {@code host.name STRING} and {@code host.id STRING} (unless given), a watermark on the rowtime column, and
     * the Kafka connector's options. {@link #topic} and {@link #bootstrapServers} are required.
     */
    public static final class KafkaTable {
        private final String table;
        private final Map<String, String> columns = new LinkedHashMap<>();
        private String rowtime = EVT_TIME;
        private String rowtimeAlias;
        private Duration watermarkDelay = Duration.ofSeconds(1);
        private String topic;
        private String bootstrapServers;
        private String groupId;
        private Format format = Format.SYSQL_ARROW;
        private String startupMode = "earliest-offset";
        private String boundedMode;
        private Duration idleTimeout;
        private boolean ignoreParseErrors;
        private final Map<String, String> extra = new LinkedHashMap<>();

        private KafkaTable(String table) {
            this.table = Objects.requireNonNull(table, "table");
        }

        /** A catalog field as a column, with its catalog type ({@link #flinkType(String)}). */
        public KafkaTable field(String catalogField) {
            return column(catalogField, flinkType(catalogField));
        }

        /** Catalog fields as columns, in this order. */
        public KafkaTable fields(String... catalogFields) {
            for (String f : catalogFields) {
                field(f);
            }
            return this;
        }

        /** Catalog fields as columns, in this order. */
        public KafkaTable fields(List<String> catalogFields) {
            for (String f : catalogFields) {
                field(f);
            }
            return this;
        }

        /**
         * A column with an explicit Flink SQL type, for a result column that is not a catalog field
         * ({@code count BIGINT}, {@code window_start TIMESTAMP(3)}) or to override a field's type.
         */
        public KafkaTable column(String name, String flinkSqlType) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(flinkSqlType, "flinkSqlType");
            if (columns.containsKey(name)) {
                throw new IllegalArgumentException("column " + quote(name) + " given twice");
            }
            columns.put(name, flinkSqlType);
            return this;
        }

        /**
         * The event-time column the watermark is on (default {@code evt.time}; {@code window_start} for a topic of
         * partial aggregates); null for no watermark. If it is not among the columns and is a catalog field, it is
         * added as one. Flink refuses a rowtime attribute whose name has a dot (it takes it for a nested field), so
         * for a dotted column the watermark is declared on a computed column {@code <alias> AS `<column>`} (see
         * {@link #rowtimeAlias}); {@link #rowtimeAttribute()} names the column to use in {@code DESCRIPTOR(...)}.
         */
        public KafkaTable rowtime(String column) {
            this.rowtime = column;
            return this;
        }

        /**
         * The name of the computed rowtime column made for a dotted rowtime column (default: its name with dots
         * replaced by underscores, {@code evt_time}). It must not contain a dot.
         */
        public KafkaTable rowtimeAlias(String alias) {
            if (alias != null && alias.indexOf('.') >= 0) {
                throw new IllegalArgumentException("Flink refuses a rowtime attribute with a dot: " + alias);
            }
            this.rowtimeAlias = alias;
            return this;
        }

        /**
         * The table's time attribute, for {@code DESCRIPTOR(...)} in window functions: the rowtime column itself, or
         * its computed alias if its name has a dot ({@code evt_time} for {@code evt.time}); null without a rowtime.
         */
        public String rowtimeAttribute() {
            if (rowtime == null || rowtime.indexOf('.') < 0) {
                return rowtime;
            }
            return rowtimeAlias != null ? rowtimeAlias : rowtime.replace('.', '_');
        }

        /** How late rows may come: {@code WATERMARK FOR rowtime AS rowtime - delay} (default 1 s). */
        public KafkaTable watermarkDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative watermark delay: " + delay);
            }
            this.watermarkDelay = delay;
            return this;
        }

        /** The topic ({@code 'topic'}). */
        public KafkaTable topic(String topic) {
            this.topic = topic;
            return this;
        }

        /** The brokers ({@code 'properties.bootstrap.servers'}). */
        public KafkaTable bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** The consumer group ({@code 'properties.group.id'}); none if null. */
        public KafkaTable groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** The record format (default {@link Format#SYSQL_ARROW}). */
        public KafkaTable format(Format format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * {@code 'scan.startup.mode'}: earliest-offset (the default here), latest-offset, group-offsets, timestamp,
         * specific-offsets (the last two need their options, passed with {@link #option}).
         */
        public KafkaTable startupMode(String mode) {
            this.startupMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** {@code 'scan.bounded.mode'} (latest-offset makes a bounded read that ends); none if null. */
        public KafkaTable boundedMode(String mode) {
            this.boundedMode = mode;
            return this;
        }

        /**
         * {@code 'scan.watermark.idle-timeout'}: a partition without rows for this long no longer holds the
         * watermark back (needed when the topic has more partitions than hosts send to); none if null.
         */
        public KafkaTable idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Skip records that cannot be parsed instead of failing ({@code 'sysql-arrow.ignore-parse-errors'} or
         * {@code 'json.ignore-parse-errors'}; default false).
         */
        public KafkaTable ignoreParseErrors(boolean ignore) {
            this.ignoreParseErrors = ignore;
            return this;
        }

        /** Any other table option, written as given (overrides one this builder writes). */
        public KafkaTable option(String key, String value) {
            extra.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Other table options, such as {@code properties.security.protocol}. */
        public KafkaTable options(Map<String, String> options) {
            options.forEach(this::option);
            return this;
        }

        /** The columns as they will be declared, names to Flink SQL types, host.name and host.id included. */
        public Map<String, String> columns() {
            Map<String, String> all = new LinkedHashMap<>(columns);
            if (rowtime != null && !all.containsKey(rowtime)) {
                Field f = FieldCatalog.get(rowtime);
                if (f == null) {
                    throw new IllegalStateException("rowtime column " + quote(rowtime)
                            + " is neither a column nor a sysql field; add it with column(name, type)");
                }
                all.put(rowtime, flinkType(f.type()));
            }
            all.putIfAbsent(HOST_NAME, "STRING");
            all.putIfAbsent(HOST_ID, "STRING");
            return all;
        }

        /** The table options, in the order written. */
        public Map<String, String> tableOptions() {
            if (topic == null || bootstrapServers == null) {
                throw new IllegalStateException("a Kafka table needs topic(...) and bootstrapServers(...)");
            }
            Map<String, String> o = new LinkedHashMap<>();
            o.put("connector", "kafka");
            o.put("topic", topic);
            o.put("properties.bootstrap.servers", bootstrapServers);
            if (groupId != null) {
                o.put("properties.group.id", groupId);
            }
            o.put("format", format.identifier());
            if (format == Format.JSON) {
                o.put("json.ignore-parse-errors", Boolean.toString(ignoreParseErrors));
                o.put("json.timestamp-format.standard", "SQL");
            } else if (ignoreParseErrors) {
                o.put(
                        SysqlArrowFormatFactory.IDENTIFIER + "." + SysqlArrowFormatFactory.IGNORE_PARSE_ERRORS.key(),
                        "true");
            }
            o.put("scan.startup.mode", startupMode);
            if (boundedMode != null) {
                o.put("scan.bounded.mode", boundedMode);
            }
            if (idleTimeout != null) {
                o.put("scan.watermark.idle-timeout", idleTimeout.toMillis() + " ms");
            }
            o.putAll(extra);
            return o;
        }

        /** The {@code CREATE TABLE} statement. */
        public String ddl() {
            Map<String, String> cols = columns();
            Map<String, String> opts = tableOptions();
            List<String> lines = new ArrayList<>();
            cols.forEach((name, type) -> lines.add("  " + quote(name) + " " + type));
            if (rowtime != null) {
                String attribute = rowtimeAttribute();
                String r = quote(attribute);
                if (!attribute.equals(rowtime)) {
                    if (cols.containsKey(attribute)) {
                        throw new IllegalStateException("the rowtime alias " + r + " of " + quote(rowtime)
                                + " is a column already; choose another with rowtimeAlias(...)");
                    }
                    lines.add("  " + r + " AS " + quote(rowtime));
                }
                lines.add("  WATERMARK FOR " + r + " AS " + r + " - " + interval(watermarkDelay));
            }
            List<String> with = new ArrayList<>();
            opts.forEach((k, v) -> with.add("  " + literal(k) + " = " + literal(v)));
            return "CREATE TABLE " + quote(table) + " (\n" + String.join(",\n", lines) + "\n) WITH (\n"
                    + String.join(",\n", with) + "\n)";
        }

        @Override
        public String toString() {
            return ddl();
        }
    }

    /**
     * {@code INTERVAL 'n' SECOND} (or {@code 'n.mmm'}) below 100 s, which is all SECOND holds; from 100 s
     * {@code INTERVAL 'd hh:mm:ss.mmm' DAY TO SECOND(3)} (Flink's planner takes no interval of a leading precision
     * over 3, so SECOND(6) cannot be used).
     */
    public static String interval(Duration d) {
        long ms = d.toMillis();
        String frac = ms % 1000 == 0 ? "" : String.format(java.util.Locale.ROOT, ".%03d", ms % 1000);
        if (ms < 100_000) {
            return "INTERVAL '" + ms / 1000 + frac + "' SECOND";
        }
        long s = ms / 1000;
        if (s / 86_400 > 99) {
            throw new IllegalArgumentException("watermark delay too long (99 days at most): " + d);
        }
        return String.format(
                java.util.Locale.ROOT,
                "INTERVAL '%d %02d:%02d:%02d.%03d' DAY TO SECOND(3)",
                s / 86_400,
                s / 3600 % 24,
                s / 60 % 60,
                s % 60,
                ms % 1000);
    }
}

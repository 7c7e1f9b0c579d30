// SPDX-License-Identifier: Apache-2.0
package sysql.fleet.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.WatermarkSpec;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.TimestampKind;
import org.apache.flink.table.types.logical.TimestampType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.fields.FieldType;

/**
 * The catalog as Flink types, the Kafka table DDL run in a StreamTableEnvironment (no broker: the tables are
 * created, resolved and translated into a job graph, never run), and the format's discovery through the Kafka
 * connector.
 */
class FleetSchemaTest {
    private static StreamExecutionEnvironment env;
    private static StreamTableEnvironment tables;

    @BeforeAll
    static void environment() {
        env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("table.local-time-zone", "UTC");
    }

    private static FleetSchema.KafkaTable events(String name) {
        return FleetSchema.kafkaTable(name)
                .fields("evt.time", "proc.name", "evt.type", "proc.pid", "evt.rawres", "evt.is_io")
                .topic("sysql-events")
                .bootstrapServers("127.0.0.1:1")
                .groupId("fleet");
    }

    @Test
    void catalogTypes() {
        assertEquals("TIMESTAMP(3)", FleetSchema.flinkType("evt.time"));
        assertEquals("STRING", FleetSchema.flinkType("proc.name"));
        assertEquals("BIGINT", FleetSchema.flinkType(FieldType.BIGINT));
        assertEquals("INT", FleetSchema.flinkType(FieldType.INTEGER));
        assertEquals("BYTES", FleetSchema.flinkType(FieldType.VARBINARY));
        assertEquals(FleetSchema.flinkType(FieldCatalog.get("proc.pid").type()), FleetSchema.flinkType("proc.pid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetSchema.flinkType("count"));
        assertTrue(e.getMessage().contains("column(name, type)"), e.getMessage());
        Map<String, String> all = FleetSchema.catalogColumns();
        assertEquals(FieldCatalog.all().size(), all.size());
        assertEquals("TIMESTAMP(3)", all.get("evt.time"));
        // every fixed catalog field as a column: Flink parses and resolves them all
        tables.executeSql(FleetSchema.kafkaTable("catalog")
                .fields(new ArrayList<>(all.keySet()))
                .topic("t")
                .bootstrapServers("127.0.0.1:1")
                .ddl());
        ResolvedSchema s = tables.from("catalog").getResolvedSchema();
        List<String> names = new ArrayList<>(all.keySet());
        names.addAll(List.of("host.name", "host.id", "evt_time"));
        assertEquals(names, s.getColumnNames());
        for (Column c : s.getColumns()) {
            assertTrue(c.getDataType().getLogicalType().isNullable(), c.toString());
        }
    }

    @Test
    void quoting() {
        assertEquals("`proc.name`", FleetSchema.quote("proc.name"));
        assertEquals("`a``b`", FleetSchema.quote("a`b"));
        assertEquals("INTERVAL '2' SECOND", FleetSchema.interval(Duration.ofSeconds(2)));
        assertEquals("INTERVAL '1.500' SECOND", FleetSchema.interval(Duration.ofMillis(1500)));
        assertEquals("INTERVAL '99' SECOND", FleetSchema.interval(Duration.ofSeconds(99)));
        assertEquals("INTERVAL '0 00:02:00.000' DAY TO SECOND(3)", FleetSchema.interval(Duration.ofMinutes(2)));
        assertEquals(
                "INTERVAL '3 04:05:06.789' DAY TO SECOND(3)", FleetSchema.interval(Duration.parse("P3DT4H5M6.789S")));
        assertEquals("INTERVAL '0' SECOND", FleetSchema.interval(Duration.ZERO));
    }

    @Test
    void ddlText() {
        String ddl = events("e").watermarkDelay(Duration.ofSeconds(3)).ddl();
        assertEquals("""
                CREATE TABLE `e` (
                  `evt.time` TIMESTAMP(3),
                  `proc.name` STRING,
                  `evt.type` STRING,
                  `proc.pid` BIGINT,
                  `evt.rawres` BIGINT,
                  `evt.is_io` BOOLEAN,
                  `host.name` STRING,
                  `host.id` STRING,
                  `evt_time` AS `evt.time`,
                  WATERMARK FOR `evt_time` AS `evt_time` - INTERVAL '3' SECOND
                ) WITH (
                  'connector' = 'kafka',
                  'topic' = 'sysql-events',
                  'properties.bootstrap.servers' = '127.0.0.1:1',
                  'properties.group.id' = 'fleet',
                  'format' = 'sysql-arrow',
                  'scan.startup.mode' = 'earliest-offset'
                )""", ddl);
        assertThrows(
                IllegalStateException.class,
                () -> FleetSchema.kafkaTable("x").field("proc.name").ddl());
        assertThrows(IllegalArgumentException.class, () -> events("x").field("proc.name"));
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> FleetSchema.kafkaTable("x")
                        .column("n", "INT")
                        .rowtime("ws")
                        .topic("t")
                        .bootstrapServers("b")
                        .ddl());
        assertTrue(e.getMessage().contains("`ws`"), e.getMessage());
    }

    @Test
    void arrowTableResolvesAndTranslates() throws Exception {
        tables.executeSql(events("arrow_events")
                .field("proc.vpid")
                .watermarkDelay(Duration.ofMillis(2500))
                .idleTimeout(Duration.ofSeconds(5))
                .boundedMode("latest-offset")
                .ignoreParseErrors(true)
                .option("properties.client.id.prefix", "it's")
                .ddl());
        ResolvedSchema s = tables.from("arrow_events").getResolvedSchema();
        assertEquals(
                List.of(
                        "evt.time",
                        "proc.name",
                        "evt.type",
                        "proc.pid",
                        "evt.rawres",
                        "evt.is_io",
                        "proc.vpid",
                        "host.name",
                        "host.id",
                        "evt_time"),
                s.getColumnNames());
        assertEquals(DataTypes.STRING(), s.getColumn("proc.name").orElseThrow().getDataType());
        assertEquals(DataTypes.BIGINT(), s.getColumn("proc.pid").orElseThrow().getDataType());
        assertEquals(DataTypes.STRING(), s.getColumn("host.id").orElseThrow().getDataType());
        assertEquals(
                DataTypes.TIMESTAMP(3), s.getColumn("evt.time").orElseThrow().getDataType());
        TimestampType rowtime = (TimestampType)
                s.getColumn("evt_time").orElseThrow().getDataType().getLogicalType();
        assertEquals(3, rowtime.getPrecision());
        assertEquals(TimestampKind.ROWTIME, rowtime.getKind());
        assertEquals(1, s.getWatermarkSpecs().size());
        WatermarkSpec w = s.getWatermarkSpecs().get(0);
        assertEquals("evt_time", w.getRowtimeAttribute());
        assertTrue(
                w.getWatermarkExpression().asSummaryString().contains("2.500"),
                w.getWatermarkExpression().asSummaryString());

        // the Kafka source and this format's decoder are made (options validated) for a projection, no broker
        Table q = tables.sqlQuery("SELECT `proc.name`, `host.name`, evt_time FROM arrow_events WHERE `proc.pid` > 1");
        assertTrue(tables.explainSql("SELECT `proc.name` FROM arrow_events").contains("arrow_events"));
        tables.toDataStream(q);
        assertTrue(env.getStreamGraph(false).getStreamNodes().size() > 0);
    }

    @Test
    void windowStartRowtimeForPartialAggregates() {
        FleetSchema.KafkaTable partials = FleetSchema.kafkaTable("partials")
                .column("window_start", "TIMESTAMP(3)")
                .column("window_end", "TIMESTAMP(3)")
                .field("proc.name")
                .column("count", "BIGINT")
                .rowtime("window_start")
                .watermarkDelay(Duration.ofMinutes(2))
                .topic("sysql-partials")
                .bootstrapServers("127.0.0.1:1");
        assertEquals("window_start", partials.rowtimeAttribute());
        tables.executeSql(partials.ddl());
        tables.toDataStream(tables.sqlQuery("SELECT window_start, `count` FROM partials"));
        ResolvedSchema s = tables.from("partials").getResolvedSchema();
        assertEquals(
                List.of("window_start", "window_end", "proc.name", "count", "host.name", "host.id"),
                s.getColumnNames());
        assertEquals("window_start", s.getWatermarkSpecs().get(0).getRowtimeAttribute());
        List<LogicalTypeRoot> roots = new ArrayList<>();
        for (Column c : s.getColumns()) {
            roots.add(c.getDataType().getLogicalType().getTypeRoot());
        }
        assertEquals(
                List.of(
                        LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE,
                        LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE,
                        LogicalTypeRoot.VARCHAR,
                        LogicalTypeRoot.BIGINT,
                        LogicalTypeRoot.VARCHAR,
                        LogicalTypeRoot.VARCHAR),
                roots);
    }

    @Test
    void jsonTableTranslates() {
        FleetSchema.KafkaTable json = events("json_events").format(FleetSchema.Format.JSON);
        String ddl = json.ddl();
        assertTrue(
                ddl.contains("'json.ignore-parse-errors' = 'false'")
                        && ddl.contains("'json.timestamp-format.standard' = 'SQL'"),
                ddl);
        tables.executeSql(ddl);
        tables.toDataStream(tables.sqlQuery("SELECT `evt.time`, `proc.name` FROM json_events"));
        FleetSchema.KafkaTable aliased = events("aliased").rowtimeAlias("ts");
        assertEquals("ts", aliased.rowtimeAttribute());
        assertTrue(aliased.ddl().contains("WATERMARK FOR `ts` AS `ts` - INTERVAL '1' SECOND"), aliased.ddl());
        assertThrows(
                IllegalStateException.class,
                () -> events("x").column("evt_time", "INT").ddl());
    }

    @Test
    void formatIsDiscoveredAndValidatesItsOptions() {
        assertInstanceOf(
                SysqlArrowFormatFactory.class,
                FactoryUtil.discoverFactory(
                        getClass().getClassLoader(), DeserializationFormatFactory.class, "sysql-arrow"));
        tables.executeSql(
                events("bad_option").option("sysql-arrow.no-such-option", "x").ddl());
        ValidationException e =
                assertThrows(ValidationException.class, () -> tables.toDataStream(tables.from("bad_option")));
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertTrue(all.toString().contains("no-such-option"), all.toString());
    }
}

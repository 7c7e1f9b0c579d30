// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;
import sysql.calcite.sql.FleetQueries;

/**
 * A fleet query's two parts as they are planned: the host part by sysql's planner (its columns' types, no capture
 * needed), the global part by Flink's (the Kafka table of the hosts' rows and the query over it resolve, with the
 * result columns the user's query names; no broker is contacted to plan).
 */
class FleetPlanTest {
    private static StreamTableEnvironment flink() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment flink = StreamTableEnvironment.create(env);
        flink.getConfig().set("table.local-time-zone", "UTC");
        return flink;
    }

    /** Plans {@code sql} both ways; returns the global part's result schema as Flink resolves it. */
    private static ResolvedSchema plan(String sql, Map<String, String> expectedHostColumns) throws Exception {
        FleetQueries.Split split = FleetQueries.split(sql);
        Map<String, String> columns = FleetPlan.hostColumns(split.hostSql());
        if (expectedHostColumns != null) {
            assertEquals(expectedHostColumns, columns, split.hostSql());
        }
        FleetPlan plan =
                FleetPlan.of(split, columns, "t", "127.0.0.1:1", "g", Duration.ofSeconds(5), Map.of("client.id", "x"));
        StreamTableEnvironment flink = flink();
        flink.executeSql(plan.ddl());
        String global = plan.globalSql();
        assertTrue(flink.explainSql(global).contains("TableSourceScan"), global);
        ResolvedSchema schema = flink.sqlQuery(global).getResolvedSchema();
        assertEquals(plan.labels(), schema.getColumnNames(), global);
        return schema;
    }

    private static List<String> types(ResolvedSchema s) {
        return s.getColumns().stream()
                .map(Column::getDataType)
                .map(t -> t.getLogicalType().asSummaryString())
                .toList();
    }

    @Test
    void windowsAddUpEachAggregatesPartials() throws Exception {
        Map<String, String> host = new LinkedHashMap<>();
        host.put("w_start", "TIMESTAMP(3)");
        host.put("w_end", "TIMESTAMP(3)");
        host.put("n", "BIGINT");
        host.put("k0", "STRING");
        host.put("a0", "BIGINT");
        host.put("a1", "BIGINT");
        host.put("a2", "BIGINT");
        host.put("a2_n", "BIGINT");
        host.put("a3", "BIGINT");
        host.put("a4", "BIGINT");
        ResolvedSchema s = plan(
                "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' MINUTE) AS t, host.name, proc.name, COUNT(*),"
                        + " SUM(evt.buflen) AS bytes, AVG(evt.latency) AS mean, MIN(evt.latency) AS best,"
                        + " MAX(evt.latency) AS worst FROM events WHERE evt.failed AND host.name LIKE 'web%'"
                        + " GROUP BY TUMBLE(evt.time, INTERVAL '1' MINUTE), proc.name, host.name",
                host);
        assertEquals(
                List.of("TIMESTAMP(3)", "STRING", "STRING", "BIGINT", "BIGINT", "DOUBLE", "BIGINT", "BIGINT"),
                types(s));
    }

    @Test
    void hopWindowsAndRowsPlanToo() throws Exception {
        ResolvedSchema hop = plan(
                "SELECT STREAM HOP_START(evt.time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE) AS s, evt.type,"
                        + " COUNT(*) AS c FROM events GROUP BY HOP(evt.time, INTERVAL '10' SECOND, INTERVAL '1' MINUTE),"
                        + " evt.type",
                null);
        assertEquals(List.of("s", "evt.type", "c"), hop.getColumnNames());
        ResolvedSchema rows = plan(
                "SELECT STREAM host.id, evt.time, proc.name, fd.name, evt.rawarg.data FROM events"
                        + " WHERE fd.name = '/etc/shadow' AND \"host.id\" IN ('a', 'b')",
                null);
        assertEquals(List.of("STRING", "TIMESTAMP(3)", "STRING", "STRING", "BYTES"), types(rows));
    }

    @Test
    void hostNamesAreBackquotedOutsideStrings() {
        assertEquals(
                "`host.name` LIKE 'host.name%' AND `host.id` <> 'it''s host.id'",
                FleetPlan.backquoteHostNames("host.name LIKE 'host.name%' AND \"host.id\" <> 'it''s host.id'"));
        assertEquals("my_host.name = 1", FleetPlan.backquoteHostNames("my_host.name = 1"));
    }
}

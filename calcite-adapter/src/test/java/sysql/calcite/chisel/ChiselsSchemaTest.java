// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.chisel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.calcite.jdbc.Driver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import sysql.calcite.FileEngine;
import sysql.calcite.SysqlConnections;
import sysql.calcite.SysqlException;
import sysql.calcite.sql.SysqlPrepare;
import sysql.testing.TestData;

/**
 * Schema {@code chisels}: a chisel as a view (its default arguments) and as a table function (arguments as
 * parameters) gives the rows of its SQL run by hand; arguments are checked by type; a malformed chisel file is
 * refused with its name; the format functions are SQL functions.
 */
class ChiselsSchemaTest {
    static Connection c;
    /** A capture with HTTP, payloads and containers, for the streams that are their history query. */
    static Connection web;

    @BeforeAll
    static void open() throws Exception {
        c = new Driver()
                .withPrepareFactory(SysqlPrepare::new)
                .connect("jdbc:calcite:", SysqlConnections.calciteProperties());
        SysqlConnections.install(c, new FileEngine(TestData.scap("sysdig_live_storm.scap.gz")));
        web = new Driver()
                .withPrepareFactory(SysqlPrepare::new)
                .connect("jdbc:calcite:", SysqlConnections.calciteProperties());
        SysqlConnections.install(web, new FileEngine(TestData.scap("bencer_example4_example4-1.scap")));
    }

    @AfterAll
    static void close() throws SQLException {
        c.close();
        web.close();
    }

    static List<List<Object>> rows(String sql) throws SQLException {
        return rows(c, sql);
    }

    static List<List<Object>> rows(Connection on, String sql) throws SQLException {
        try (Statement s = on.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    @Test
    void aViewGivesTheRowsOfItsSql() throws Exception {
        Chisel topfiles = ChiselLibrary.get("topfiles_bytes");
        List<List<Object>> direct = rows(topfiles.historySql(List.of()));
        assertFalse(direct.isEmpty());
        assertEquals(List.of("19.49M", "/dev/null"), direct.get(0));
        assertEquals(direct, rows("SELECT * FROM chisels.topfiles_bytes"));
        // a query over the view: filters and projections reach into it
        assertEquals(
                List.of(List.of("/dev/console")),
                rows("SELECT filename FROM chisels.topfiles_bytes " + "WHERE bytes = '527B'"));
    }

    @Test
    void aTableFunctionTakesTheArguments() throws Exception {
        Chisel by = ChiselLibrary.get("fdbytes_by");
        assertEquals(
                rows(by.historySql(List.of("proc.name"))),
                rows("SELECT * FROM TABLE(chisels.fdbytes_by('proc.name'))"));
        assertEquals(
                rows(by.historySql(List.of("fd.type"))), rows("SELECT * FROM TABLE(chisels.fdbytes_by('fd.type'))"));
        assertTrue(rows("SELECT \"key\" FROM TABLE(chisels.fdbytes_by('proc.name'))")
                .contains(List.of("workload")));
    }

    @Test
    void aStreamFromAChiselIsItsStreamQuery() throws Exception {
        List<List<Object>> direct = sorted(rows(ChiselLibrary.get("topscalls").streamSql(List.of())));
        assertTrue(direct.stream().map(r -> r.get(0)).distinct().count() > 1, "several windows: " + direct);
        assertEquals(direct, sorted(rows("SELECT STREAM * FROM chisels.topscalls")));
        assertEquals(
                sorted(rows(ChiselLibrary.get("fdbytes_by").streamSql(List.of("proc.name")))),
                sorted(rows("SELECT STREAM * FROM TABLE(chisels.fdbytes_by('proc.name')) AS f")));
        // a plain SELECT reads the history form: no window column
        assertEquals(List.of("calls", "syscall"), labels("SELECT * FROM chisels.topscalls"));
    }

    /**
     * Every chisel's live form (its SELECT STREAM) plans and runs over a capture: it is what {@code sysql chisel}
     * runs live, where no differential test reaches. Arguments: those of its first {@code -- test:} line. A live
     * form that is the history query as a stream gives the history's rows, in order, over two captures.
     */
    @TestFactory
    Stream<DynamicTest> everyStreamRunsOverACapture() {
        return ChiselLibrary.all().values().stream()
                .filter(Chisel::hasStream)
                .map(ch -> DynamicTest.dynamicTest(ch.name(), () -> {
                    String test = ch.property("test").stream().findFirst().orElse("");
                    String sysql = test.split("=>", 2)[0].strip();
                    List<String> args = sysql.isEmpty()
                            ? List.of()
                            : Arrays.stream(sysql.split(" \\| "))
                                    .map(String::strip)
                                    .toList();
                    String sql = ch.streamSql(args);
                    List<List<Object>> streamed;
                    try {
                        streamed = rows(sql);
                    } catch (SQLException e) {
                        throw new AssertionError(ch.name() + "'s stream fails: " + e.getMessage() + "\n" + sql, e);
                    }
                    String history = ch.historySql(args);
                    if (ch.streamIsHistory()) {
                        // the history query as a stream: over a file, the same rows in the same order
                        assertEquals(rows(history), streamed, ch.name());
                        assertEquals(rows(web, history), rows(web, sql), ch.name() + " over " + "example4");
                    }
                }));
    }

    @Test
    void aStreamMadeOfTheHistoryQuery() {
        assertEquals(
                "SELECT STREAM a FROM (SELECT b FROM t ORDER BY c) AS x WHERE ')ORDER BY' <> \"ORDER\"",
                Chisel.asStream(
                        "x",
                        "SELECT a FROM (SELECT b FROM t ORDER BY c) AS x WHERE ')ORDER BY' <> \"ORDER\"\nORDER BY a"));
        assertEquals(
                "select STREAM x, COUNT(*) OVER (ORDER BY n) FROM t -- ORDER BY in a comment",
                Chisel.asStream("x", "select x, COUNT(*) OVER (ORDER BY n) FROM t -- ORDER BY in a comment"));
        SysqlException limit =
                assertThrows(SysqlException.class, () -> Chisel.asStream("x", "SELECT a FROM t ORDER BY a LIMIT 3"));
        assertTrue(limit.getMessage().contains("cuts its rows (LIMIT)"), limit.getMessage());
        SysqlException with =
                assertThrows(SysqlException.class, () -> Chisel.asStream("x", "WITH q AS (SELECT 1) SELECT * FROM q"));
        assertTrue(with.getMessage().contains("starts with SELECT"), with.getMessage());
        SysqlException both = assertThrows(
                SysqlException.class,
                () -> Chisel.parse("x", "-- x: d\n-- stream: history\nSELECT 1 AS a;\nSELECT STREAM 1 AS a;\n"));
        assertTrue(both.getMessage().contains("must not have a second statement"), both.getMessage());
    }

    static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> s = new ArrayList<>(rows);
        s.sort(java.util.Comparator.comparing(Object::toString));
        return s;
    }

    static List<String> labels(String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getMetaData().getColumnLabel(i));
            }
            return out;
        }
    }

    @Test
    void jdbcMetadataListsEachViewOnce() throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, "chisels", "%", null)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
            }
        }
        List<String> want = new ArrayList<>();
        for (Chisel ch : ChiselLibrary.all().values()) {
            if (ch.args().stream().allMatch(a -> a.defaultValue() != null)) {
                want.add(ch.name() + ":VIEW");
            }
        }
        names.sort(null);
        want.sort(null);
        assertEquals(want, names);
    }

    @Test
    void argumentsAreCheckedByType() {
        SQLException noField =
                assertThrows(SQLException.class, () -> rows("SELECT * FROM TABLE(chisels.fdbytes_by('nope'))"));
        assertTrue(noField.getMessage().contains("'nope' is no field"), noField.getMessage());
        Chisel by = ChiselLibrary.get("fdbytes_by");
        SysqlException missing = assertThrows(SysqlException.class, () -> by.historySql(List.of()));
        assertTrue(missing.getMessage().contains("needs its argument FIELD"), missing.getMessage());
        SysqlException extra = assertThrows(SysqlException.class, () -> by.historySql(List.of("proc.name", "x")));
        assertTrue(extra.getMessage().contains("takes 1 argument"), extra.getMessage());
    }

    @Test
    void aFilterArgumentIsOneCondition() {
        Chisel.Arg filter = new Chisel.Arg("filter", Chisel.ArgType.FILTER, "true", "a condition");
        Chisel c = Chisel.parse(
                "t",
                "-- t: test\n-- arg: filter filter = true: a condition\nSELECT proc.name AS p FROM events WHERE ${filter};");
        assertEquals(filter, c.args().get(0));
        assertTrue(c.historySql(List.of("proc.name = 'a' OR fd.num > 2"))
                .endsWith("WHERE (proc.name = 'a' OR fd.num > 2)"));
        SysqlException injected = assertThrows(
                SysqlException.class,
                () -> c.historySql(List.of("true) UNION SELECT user.name AS p FROM users WHERE (true")));
        assertTrue(injected.getMessage().contains("must be one SQL condition"), injected.getMessage());
        assertThrows(SysqlException.class, () -> c.historySql(List.of("1; DROP TABLE x")));
    }

    @Test
    void numbersAndStringsAreLiterals() {
        Chisel c = Chisel.parse(
                "t",
                "-- t: test\n-- arg: ms number: minimum\n-- arg: name string = x: a name\n"
                        + "SELECT 1 AS a FROM events WHERE evt.latency > ${ms} * 1000000 AND proc.name = ${name};");
        assertTrue(c.historySql(List.of("10", "it's")).endsWith("> 10 * 1000000 AND proc.name = 'it''s'"));
        assertThrows(SysqlException.class, () -> c.historySql(List.of("10 OR 1=1")));
    }

    @Test
    void malformedFilesAreRefusedWithTheirName() {
        assertTrue(assertThrows(SysqlException.class, () -> Chisel.parse("a", "-- b: other\nSELECT 1;"))
                .getMessage()
                .contains("chisel a.sql is malformed"));
        assertThrows(SysqlException.class, () -> Chisel.parse("a", "-- a: x\nSELECT ${x} AS y;"));
        assertThrows(SysqlException.class, () -> Chisel.parse("a", "-- a: x\nSELECT STREAM 1 AS y FROM events;"));
        assertThrows(SysqlException.class, () -> Chisel.parse("a", "-- a: x\nSELECT 1 AS y; SELECT 2 AS z;"));
        assertThrows(SysqlException.class, () -> Chisel.parse("a", "-- a: x\n-- arg: bad: no type\nSELECT 1 AS y;"));
    }

    @Test
    void aChiselWithoutAStreamFormIsNoStream() {
        Chisel c = Chisel.parse("t", "-- t: test\nSELECT 1 AS a;");
        assertFalse(c.hasStream());
        assertTrue(c.streamSql(List.of()).endsWith("SELECT 1 AS a"), c.streamSql(List.of()));
        assertTrue(ChiselLibrary.get("topscalls").hasStream());
    }

    @Test
    void theFormatFunctionsAreSqlFunctions() throws Exception {
        assertEquals(
                List.of(List.of("2.92KB", "1.10s", "51.72%", "0.13%")),
                rows("SELECT format_bytes(2990), FORMAT_DURATION(1100000000), format_percent(51.7249), "
                        + "format_percent(CAST(0.125 AS DOUBLE)) FROM (VALUES 1)"));
        List<Object> nulls =
                rows("SELECT format_bytes(CAST(NULL AS BIGINT)), format_duration(CAST(NULL AS BIGINT)) FROM (VALUES 1)")
                        .get(0);
        assertNull(nulls.get(0));
        assertNull(nulls.get(1));
    }
}

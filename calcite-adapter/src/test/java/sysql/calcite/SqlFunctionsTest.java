// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sysql.calcite.TestConnections.rows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text functions chisels need come from Calcite's own library operator tables (PostgreSQL's, MySQL's,
 * BigQuery's), and a CASE over strings of different lengths is a VARCHAR, not a padded CHAR.
 */
class SqlFunctionsTest extends CaptureFileTests {
    SqlFunctionsTest() throws Exception {
        super("falco_cat_write.scap");
    }

    private Object one(String expression) throws Exception {
        return rows(c, "SELECT " + expression + " FROM (VALUES 1)").get(0).get(0);
    }

    @Test
    void regularExpressions() throws Exception {
        assertEquals("GET /a", one("regexp_replace('GET  /a', ' +', ' ')"));
        assertEquals("123", one("regexp_substr('id=123;', '[0-9]+')"));
    }

    @Test
    void splittingAndPositions() throws Exception {
        assertEquals("b", one("split_part('a b c', ' ', 2)"));
        assertEquals(3, ((Number) one("strpos('abc', 'c')")).intValue());
        assertEquals("a,b", one("concat_ws(',', 'a', 'b')"));
    }

    @Test
    void libraryFunctionsAreFoundInAnyCase() throws Exception {
        assertEquals("b", one("SPLIT_PART('a b c', ' ', 2)"));
        assertEquals("a-b", one("Regexp_Replace('a b', ' ', '-')"));
    }

    @Test
    void overEvents() throws Exception {
        // cat's first file name in the capture, cut at its first '/'-separated part
        assertEquals(
                List.of(List.of("etc", "ld.so.cache")),
                rows(
                        c,
                        "SELECT split_part(fd.name, '/', 2), regexp_substr(fd.name, '[^/]+$') FROM events "
                                + "WHERE proc.name = 'cat' AND fd.name LIKE '/etc/%' ORDER BY evt.num LIMIT 1"));
    }

    @Test
    void anOutputNameIsReferredToAsWritten() throws Exception {
        // a field selected in a CTE keeps its name: the outer query names it as the inner one wrote it
        assertEquals(
                rows(c, "SELECT MAX(evt.latency) FROM events WHERE evt.dir = '<'"),
                rows(
                        c,
                        "WITH x AS (SELECT evt.latency, evt.dir FROM events) SELECT MAX(evt.latency) FROM x "
                                + "WHERE evt.dir = '<'"));
        assertEquals(
                List.of(List.of("cat")),
                rows(
                        c,
                        "SELECT p FROM (SELECT proc.name AS p, COUNT(*) AS n FROM events WHERE proc.name = 'cat' "
                                + "GROUP BY proc.name) WHERE n > 0"));
    }

    @Test
    void rawBuffersDecode() throws Exception {
        // every buffer of the capture (at most 80 bytes each, so its text is not cut): sysdig's text of the raw
        // bytes is evt.arg.data, and hex is the bytes
        List<List<Object>> r = rows(
                c,
                "SELECT COUNT(*), COUNT(CASE WHEN printable(evt.rawarg.data) <> evt.arg.data THEN 1 END), "
                        + "COUNT(CASE WHEN encode(evt.rawarg.data, 'hex') <> to_hex(evt.rawarg.data) THEN 1 END) "
                        + "FROM events WHERE evt.rawarg.data IS NOT NULL");
        assertTrue(((Number) r.get(0).get(0)).longValue() >= 2, r.toString());
        assertEquals(0L, ((Number) r.get(0).get(1)).longValue(), r.toString());
        assertEquals(0L, ((Number) r.get(0).get(2)).longValue(), r.toString());
    }

    @Test
    void padding() throws Exception {
        assertEquals("  7", one("lpad('7', 3)"));
        assertEquals("7..", one("rpad('7', 3, '.')"));
    }

    @Test
    void aCaseOverStringsOfDifferentLengthsIsNotPadded() throws Exception {
        assertEquals(
                List.of(List.of("LISTEN|")),
                rows(c, "SELECT CASE WHEN 1 = 1 THEN 'LISTEN' ELSE 'ESTABLISHED' END || '|' FROM (VALUES 1)"));
    }
}

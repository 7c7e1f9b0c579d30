package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sysql.calcite.sql.StatementKind;

class StatementKindTest {
    @Test
    void queriesStreamsAndTheRest() {
        assertEquals(StatementKind.QUERY, StatementKind.of("SELECT proc.name, COUNT(*) FROM events GROUP BY proc.name"));
        assertEquals(StatementKind.QUERY, StatementKind.of("select * from processes order by pid limit 3"));
        assertEquals(StatementKind.QUERY, StatementKind.of("VALUES 1"));
        assertEquals(StatementKind.QUERY, StatementKind.of("WITH x AS (SELECT 1 AS a) SELECT a FROM x"));
        assertEquals(StatementKind.QUERY, StatementKind.of("EXPLAIN PLAN FOR SELECT STREAM evt.type FROM events"));
        assertEquals(StatementKind.STREAM, StatementKind.of("SELECT STREAM evt.type, fd.name FROM events"));
        assertEquals(StatementKind.STREAM, StatementKind.of("SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND), "
                + "COUNT(*) FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND) ORDER BY 2 DESC LIMIT 3"));
        assertEquals(StatementKind.NOT_A_QUERY, StatementKind.of("INSERT INTO processes (pid) VALUES (1)"));
        assertEquals(StatementKind.NOT_A_QUERY, StatementKind.of("DELETE FROM processes"));
        assertEquals(StatementKind.NOT_A_QUERY, StatementKind.of("UPDATE processes SET pid = 1"));
        assertEquals(StatementKind.NOT_A_QUERY, StatementKind.of("ALTER SYSTEM SET x = 1"));
        assertEquals(StatementKind.UNPARSED, StatementKind.of("CREATE TABLE t (a INT)"));
        assertEquals(StatementKind.UNPARSED, StatementKind.of("SELEC 1"));
    }
}

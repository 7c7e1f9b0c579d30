// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.junit.jupiter.api.Test;
import sysql.testing.TestData;

/**
 * A server's statements belong to the connection that opened them: statement ids are a count over the whole
 * server, so a client naming another connection's statement with its own connection must get nothing of it
 * (no rows, no run, no close). Over a capture file: no root needed.
 */
class SysqlMetaTest {
    @Test
    void aStatementIsItsConnectionsOnly() throws Exception {
        Properties engine = new Properties();
        engine.setProperty("file", TestData.scap("falco_cat_write.scap").toString());
        engine.setProperty("engine", "embedded");
        SysqlMeta meta = new SysqlMeta(SysqlServer.EMBEDDED_URL, engine, ServerLimits.defaults());
        try {
            Meta.ConnectionHandle alice = new Meta.ConnectionHandle("alice-connection");
            Meta.ConnectionHandle mallory = new Meta.ConnectionHandle("mallory-connection");
            meta.openConnection(alice, Map.of());
            meta.openConnection(mallory, Map.of());
            Meta.StatementHandle mine = meta.createStatement(alice);
            meta.prepareAndExecute(mine, "SELECT evt.num FROM events ORDER BY evt.num", -1, 1, null);
            Meta.StatementHandle stolen = new Meta.StatementHandle(mallory.id, mine.id, null);
            assertThrows(NoSuchStatementException.class, () -> meta.fetch(stolen, 1, 100));
            assertThrows(NoSuchStatementException.class, () -> meta.prepareAndExecute(stolen, "SELECT 1", -1, 1, null));
            AvaticaRuntimeException close =
                    assertThrows(AvaticaRuntimeException.class, () -> meta.closeStatement(stolen));
            assertTrue(close.getErrorMessage().contains("is not one of connection"), close.getErrorMessage());
            // alice's statement is untouched: its rows go on where they were
            Meta.Frame f = meta.fetch(mine, 1, 2);
            java.util.List<Object> rows = new java.util.ArrayList<>();
            f.rows.forEach(rows::add);
            assertEquals(2, rows.size());
            assertEquals(2L, ((Number) ((Object[]) rows.get(0))[0]).longValue());
        } finally {
            meta.shutdown();
        }
    }
}

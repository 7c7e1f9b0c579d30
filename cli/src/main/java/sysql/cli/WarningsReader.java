// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.jdbc.CalciteConnection;
import sysql.calcite.QueryWarnings;

/**
 * The warnings a connection's queries gave beside their rows ({@link QueryWarnings}: a window of the history that
 * lost events), each read once, for the command line to print after the statement: an embedded connection's read
 * in place, a remote one's (a {@code sysql daemon} or {@code sysql serve} connection) with {@code SELECT … FROM
 * query_warnings}. A server without that table has none to give.
 */
final class WarningsReader {
    private long seq;

    /** The warnings given since the last call, oldest first (none when they cannot be read). */
    List<String> next(Connection c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.isWrapperFor(CalciteConnection.class)) {
                for (QueryWarnings.Warning w : QueryWarnings.since(c.unwrap(CalciteConnection.class), seq)) {
                    out.add(w.text());
                    seq = w.seq();
                }
                return out;
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT seq, warning FROM query_warnings WHERE seq > " + seq + " ORDER BY seq")) {
                while (rs.next()) {
                    seq = rs.getLong(1);
                    out.add(rs.getString(2));
                }
            }
        } catch (SQLException e) {
            // a server without query_warnings, or a connection closing: nothing to say
        }
        return out;
    }
}

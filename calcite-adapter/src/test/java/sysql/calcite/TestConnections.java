// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.jdbc.Driver;
import sysql.calcite.sql.SysqlPrepare;
import sysql.testing.TestData;

/** Connections for the adapter's tests: Calcite's driver with sysql's prepare and schema. */
final class TestConnections {
    private TestConnections() {}

    static Path shared() {
        return TestData.dir();
    }

    static Path scap(String name) {
        return TestData.scap(name);
    }

    static Connection connect(SysqlEngine engine) throws SQLException {
        Connection c = new Driver()
                .withPrepareFactory(SysqlPrepare::new)
                .connect("jdbc:calcite:", SysqlConnections.calciteProperties());
        SysqlConnections.install(c, engine);
        return c;
    }

    static Connection file(String name) throws Exception {
        return connect(new FileEngine(scap(name)));
    }

    /** Every row of a query, each as a list of its values. */
    static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static List<String> labels(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> labels = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                labels.add(md.getColumnLabel(i));
            }
            return labels;
        }
    }

    static String explain(Connection c, String sql) throws SQLException {
        StringBuilder sb = new StringBuilder();
        for (List<Object> row : rows(c, "EXPLAIN PLAN FOR " + sql)) {
            sb.append(row.get(0)).append('\n');
        }
        return sb.toString();
    }
}

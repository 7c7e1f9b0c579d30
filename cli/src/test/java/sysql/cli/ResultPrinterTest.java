// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code sysql query}'s formats: a finite table aligned on all its rows, NULL empty, timestamps to the ms. */
class ResultPrinterTest {
    static Connection c;

    @BeforeAll
    static void open() throws Exception {
        c = DriverManager.getConnection("jdbc:sysql:file=" + QueryCommandTest.FILE.toAbsolutePath());
    }

    @AfterAll
    static void close() throws Exception {
        c.close();
    }

    static String print(String sql, ResultPrinter.Format format, boolean stream) throws Exception {
        StringWriter text = new StringWriter();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultPrinter.print(rs, format, stream, new PrintWriter(text));
        }
        return text.toString();
    }

    @Test
    void aTableHasNullsEmptyAndTimestampsWithTheirMilliseconds() throws Exception {
        assertEquals(
                String.join(
                        "\n",
                        "n    | name            | ts                      | cpu",
                        "-----+-----------------+-------------------------+----",
                        "1735 | memfd:sealed-91 | 2024-05-06 04:49:53.530 | ",
                        "3    | fstat           | 2024-05-06 04:49:53.000 | 7",
                        "(2 rows)",
                        ""),
                print(ShellLineTest.VALUES, ResultPrinter.Format.TABLE, false));
    }

    @Test
    void csvAndJsonHaveTheSameTimestampsAndNulls() throws Exception {
        assertEquals(
                String.join(
                        "\n",
                        "n,name,ts,cpu",
                        "1735,memfd:sealed-91,2024-05-06 04:49:53.530,",
                        "3,fstat,2024-05-06 04:49:53.000,7",
                        ""),
                print(ShellLineTest.VALUES, ResultPrinter.Format.CSV, false));
        assertEquals(
                String.join(
                        "\n",
                        "{\"n\":1735,\"name\":\"memfd:sealed-91\",\"ts\":\"2024-05-06 04:49:53.530\",\"cpu\":null}",
                        "{\"n\":3,\"name\":\"fstat\",\"ts\":\"2024-05-06 04:49:53.000\",\"cpu\":7}",
                        ""),
                print(ShellLineTest.VALUES, ResultPrinter.Format.JSON, false));
    }

    /** A value wider than the rest after the 100th row still widens its column: every row is read first. */
    @Test
    void aFiniteTableIsAlignedOnEveryRow() throws Exception {
        String sql = "SELECT CASE WHEN evt.num = 300 THEN 'wider than every other value' ELSE proc.name END AS v, "
                + "evt.num FROM events WHERE evt.num <= 300 ORDER BY evt.num";
        List<String> expected = new ArrayList<>();
        expected.add(String.format("%-28s | evt.num", "v"));
        expected.add("-".repeat(28) + "-+-" + "-".repeat(7));
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String v = rs.getString(1);
                expected.add(String.format("%-28s | %d", v == null ? "" : v, rs.getLong(2)));
            }
        }
        assertEquals(300, expected.size() - 2);
        expected.add("(300 rows)");
        expected.add("");
        assertEquals(String.join("\n", expected), print(sql, ResultPrinter.Format.TABLE, false));
    }

    @Test
    void rawBytesPrintAsHex() throws Exception {
        String sql = "SELECT evt.num, evt.rawarg.data FROM events WHERE evt.type = 'read' AND evt.dir = '<' "
                + "ORDER BY evt.num LIMIT 1";
        long num;
        byte[] bytes;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            org.junit.jupiter.api.Assertions.assertTrue(rs.next(), "a read in the file");
            num = rs.getLong(1);
            bytes = rs.getBytes(2);
        }
        org.junit.jupiter.api.Assertions.assertTrue(bytes.length > 0);
        String hex = java.util.HexFormat.of().formatHex(bytes);
        assertEquals("evt.num,evt.rawarg.data\n" + num + "," + hex + "\n", print(sql, ResultPrinter.Format.CSV, false));
        assertEquals(
                "{\"evt.num\":" + num + ",\"evt.rawarg.data\":\"" + hex + "\"}\n",
                print(sql, ResultPrinter.Format.JSON, false));
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import sysql.testing.Child;

/**
 * The shell (sqlline with sysql's application and {@link ShellLine}) reading typed lines from a stream, over a
 * capture file (no root needed): how its results look.
 */
class ShellLineTest {
    /** The table lines (those sqlline draws: '+' rules and '|' rows) the shell printed for {@code input}. */
    static List<String> tables(String input) throws Exception {
        ShellLine sqlline = new ShellLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        sqlline.setOutputStream(print);
        sqlline.setErrorStream(print);
        sqlline.begin(
                ShellCommand.embeddedArguments("jdbc:sysql:file=" + QueryCommandTest.FILE.toAbsolutePath()),
                new ByteArrayInputStream((input + "!quit\n").getBytes(StandardCharsets.UTF_8)),
                false);
        String text = Child.plain(out.toString(StandardCharsets.UTF_8));
        return text.lines().filter(l -> l.startsWith("+") || l.startsWith("|")).toList();
    }

    static final String VALUES = "SELECT * FROM (VALUES (1735, CAST('memfd:sealed-91' AS VARCHAR), "
            + "TIMESTAMP '2024-05-06 04:49:53.530', CAST(NULL AS INTEGER)), (3, CAST('fstat' AS VARCHAR), "
            + "TIMESTAMP '2024-05-06 04:49:53.000', 7)) AS t(n, name, ts, cpu)";

    static final List<String> VALUES_TABLE = List.of(
            "+------+-----------------+-------------------------+-----+",
            "|  n   |      name       |           ts            | cpu |",
            "+------+-----------------+-------------------------+-----+",
            "| 1735 | memfd:sealed-91 | 2024-05-06 04:49:53.530 |     |",
            "| 3    | fstat           | 2024-05-06 04:49:53.000 | 7   |",
            "+------+-----------------+-------------------------+-----+");

    /** Widths from every row (not the display sizes), NULL empty, timestamps with their milliseconds. */
    @Test
    void aFiniteResultIsAlignedOnAllItsRows() throws Exception {
        assertEquals(VALUES_TABLE, tables(VALUES + ";\n"));
    }

    @Test
    void unnamedAggregatesAreNamedAndReferredTo() throws Exception {
        assertEquals(
                List.of(
                        "+-----------+----------+-------+",
                        "| proc.name | evt.type | count |",
                        "+-----------+----------+-------+",
                        "| cat       | mmap     | 10    |",
                        "| cat       | close    | 6     |",
                        "| cat       | fstat    | 5     |",
                        "+-----------+----------+-------+"),
                tables("SELECT proc.name, evt.type, COUNT(*) FROM events WHERE evt.dir = '<' "
                        + "GROUP BY 1, 2 ORDER BY count DESC, 1, 2 LIMIT 3;\n"));
    }

    /**
     * A stream's header is sized before its first row (from the columns' display sizes) and each row prints as
     * it comes; the finite result after it on the same line is aligned on its rows.
     */
    @Test
    void aStreamPrintsRowsAsTheyArriveAndEachStatementOfALineHasItsLayout() throws Exception {
        List<String> expected = new java.util.ArrayList<>(List.of(
                "+---------------------+-----------+",
                "|       evt.num       | proc.name |",
                "+---------------------+-----------+",
                "| 1                   | systemd   |",
                "| 2                   |           |",
                "| 3                   |           |",
                "+---------------------+-----------+"));
        expected.addAll(VALUES_TABLE);
        assertEquals(
                expected, tables("SELECT STREAM evt.num, proc.name FROM events WHERE evt.num <= 3; " + VALUES + ";\n"));
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import sysql.testing.TestData;

/** {@code sysql query}, {@code fields} and {@code event-types} on a capture file: formats, scripts, errors. */
class QueryCommandTest {
    static final Path FILE = TestData.scap("falco_cat_write.scap");

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Sysql.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static final String SQL = "SELECT evt.type, COUNT(*) AS n FROM events WHERE proc.name = 'cat' AND evt.dir = '<' "
            + "GROUP BY evt.type ORDER BY n DESC, evt.type LIMIT 3";

    @Test
    void csvTsvJsonAndTableAgree() throws Exception {
        Run csv = run("query", "-r", FILE.toString(), "--format", "csv", SQL);
        assertEquals(0, csv.code(), csv.err());
        List<CSVRecord> records =
                CSVFormat.DEFAULT.parse(new java.io.StringReader(csv.out())).getRecords();
        assertEquals(List.of("evt.type", "n"), records.get(0).toList());
        assertEquals(4, records.size(), csv.out());

        Run tsv = run("query", "-r", FILE.toString(), "--format", "TSV", SQL);
        assertEquals(csv.out().replace(',', '\t'), tsv.out());

        Run json = run("query", "-r", FILE.toString(), "--format", "json", SQL);
        String[] lines = json.out().strip().split("\n");
        assertEquals(3, lines.length);
        for (int i = 0; i < 3; i++) {
            JsonNode n = new ObjectMapper().readTree(lines[i]);
            assertEquals(records.get(i + 1).get(0), n.get("evt.type").asText());
            assertEquals(Long.parseLong(records.get(i + 1).get(1)), n.get("n").asLong());
        }

        Run table = run("query", "-r", FILE.toString(), SQL);
        assertTrue(table.out().startsWith("evt.type"), table.out());
        assertTrue(table.out().contains("(3 rows)"), table.out());
        assertTrue(table.out().contains(records.get(1).get(0)));
    }

    @Test
    void aQueryOverAWindowThatLostEventsWarnsOnStderr() {
        Path drops = TestData.file("made/falco_cat_write_drops.scap");
        Run r = run("query", "-r", drops.toString(), "--format", "csv", "SELECT COUNT(*) AS n FROM events");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.err().startsWith("sysql: warning: this query's window lost 1234 events (1 sysql.drops notice, "),
                r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        Run clean = run("query", "-r", FILE.toString(), "--format", "csv", "SELECT COUNT(*) AS n FROM events");
        assertEquals("", clean.err(), "a file without notices warns of nothing");
    }

    @Test
    void aScriptFileRunsEveryStatement() throws Exception {
        Path script = Files.createTempFile("sysql", ".sql");
        Files.writeString(
                script, "-- two statements\nSELECT COUNT(*) AS a FROM processes;\n/* ; */ SELECT 'x;y' AS b;\n");
        Run r = run("query", "-r", FILE.toString(), "--format", "csv", "-f", script.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("a\n") && r.out().contains("b\nx;y\n"), r.out());
    }

    @Test
    void errorsAreOneLine() {
        Run missing = run("query", "-r", "/nonexistent.scap", "SELECT 1");
        assertEquals(1, missing.code());
        assertEquals(
                "sysql: cannot read capture file /nonexistent.scap: it does not exist or is not readable",
                missing.err().strip());

        Run syntax = run("query", "-r", FILE.toString(), "SELECT proc.name FORM events");
        assertEquals(1, syntax.code());
        assertEquals(1, syntax.err().strip().lines().count(), syntax.err());
        assertTrue(syntax.err().contains("Syntax error") && syntax.err().contains("line 1, column 23"), syntax.err());

        Run field = run("query", "-r", FILE.toString(), "SELECT proc.nme FROM events");
        assertTrue(field.err().contains("did you mean proc.name"), field.err());

        Run notHere = run("query", "-r", FILE.toString(), "SELECT evt.type FROM processes");
        assertTrue(
                notHere.err().contains("evt.type is a field of events, not a column of the tables this query reads")
                        && !notHere.err().contains("did you mean"),
                notHere.err());

        Run table = run("query", "-r", FILE.toString(), "SELECT * FROM proceses");
        assertTrue(
                table.err().contains("Object 'proceses' not found")
                        && table.err().contains("did you mean processes"),
                table.err());

        Run noSql = run("query", "-r", FILE.toString());
        assertEquals(2, noSql.code());
        assertTrue(noSql.err().startsWith("sysql query: no SQL statement given"), noSql.err());

        Run badFlag = run("query", "--format", "xml", "SELECT 1");
        assertEquals(2, badFlag.code());
        assertEquals(1, badFlag.err().strip().lines().count(), badFlag.err());
    }

    @Test
    void catalogsListFieldsAndEventTypes() {
        Run fields = run("fields");
        assertEquals(0, fields.code());
        assertTrue(
                fields.out().contains("proc.name")
                        && fields.out().contains("evt.time ")
                        && fields.out().contains("TIMESTAMP"),
                fields.out());
        assertTrue(!fields.out().contains("evt.arg.fd "), "parametric instances only with --all");
        assertTrue(run("fields", "--all").out().contains("evt.arg.fd "));
        Run types = run("event-types");
        assertTrue(types.out().contains("> open(FSPATH name, FLAGS32 flags, UINT32 mode)"), types.out());
        assertTrue(types.out().contains("< close(ERRNO res)"));
    }

    @Test
    void outputGoesToTheFileOfDashOAndItsProblemsAreOneLine() throws Exception {
        Path csv = Files.createTempFile("sysql-query", ".csv");
        try {
            Run written = run("query", "-r", FILE.toString(), "--format", "csv", "-o", csv.toString(), SQL);
            assertEquals(0, written.code(), written.err());
            assertEquals("", written.out(), "nothing on standard output");
            assertEquals(
                    run("query", "-r", FILE.toString(), "--format", "csv", SQL).out(), Files.readString(csv));
        } finally {
            Files.deleteIfExists(csv);
        }
        Run noDirectory =
                run("query", "-r", FILE.toString(), "--format", "arrow", "-o", "/nonexistent/x.arrow", "SELECT 1");
        assertEquals(1, noDirectory.code());
        assertEquals("sysql: cannot write to /nonexistent/x.arrow: no such directory\n", noDirectory.err());
        Run two = run("query", "-r", FILE.toString(), "--format", "arrow", "-o", "x.arrow", "SELECT 1; SELECT 2");
        assertEquals(2, two.code());
        assertEquals("sysql: --format arrow writes the rows of one query: give one statement (2 given)\n", two.err());
        Run directory = run("query", "-r", FILE.toString(), "--format", "csv", "-o", "/tmp", "SELECT 1");
        assertEquals(2, directory.code());
        assertEquals("sysql: cannot write to /tmp: it is a directory; give a file name with -o\n", directory.err());
    }
}

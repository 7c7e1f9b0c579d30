// SPDX-License-Identifier: Apache-2.0
package sysql.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.testing.RequiresBpf;

/**
 * {@code sysql query --format arrow} and {@code --format parquet} through the launcher, read by real clients, Apache
 * Arrow's JavaScript library ({@code node/read-arrow.mjs}) and DuckDB ({@code node/read-parquet.mjs}; {@code
 * scripts/install-deps.sh --tests} installs both): every row of the file equals the CSV of the same query, cell by
 * cell, and every column has the type its SQL type calls for; a stream's file is complete after Ctrl-C.
 */
class DataOutIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path NODE = ROOT.resolve("integration-tests/node");
    private static final Path FILE = ROOT.resolve("testdata/scap/libs_curl_google.scap");

    /** The Arrow type (as Arrow's JavaScript library names it) each SQL type of the events table is written as. */
    private static final Map<String, String> ARROW_TYPE_OF = Map.of(
            "BIGINT", "Int64",
            "INTEGER", "Int32",
            "BOOLEAN", "Bool",
            "TIMESTAMP", "Timestamp<MILLISECOND>",
            "VARCHAR", "Utf8",
            "CHAR", "Utf8",
            "VARBINARY", "Binary",
            "DOUBLE", "Float64");

    /** The DuckDB type each SQL type of the events table is read back as, from the Parquet file. */
    private static final Map<String, String> DUCKDB_TYPE_OF = Map.of(
            "BIGINT", "BIGINT",
            "INTEGER", "INTEGER",
            "BOOLEAN", "BOOLEAN",
            "TIMESTAMP", "TIMESTAMP",
            "VARCHAR", "VARCHAR",
            "CHAR", "VARCHAR",
            "VARBINARY", "BLOB",
            "DOUBLE", "DOUBLE");

    @TempDir
    Path tmp;

    /**
     * The launcher builds first when the sources changed (a developer's tree): done here, so that the stream tests'
     * timing starts with a built sysql (twice, a first-run build's query did not stop within 30 s of SIGINT; later
     * runs stop at once).
     */
    @org.junit.jupiter.api.BeforeAll
    static void built() throws Exception {
        Process p = new ProcessBuilder("bash", ROOT.resolve("sysql").toString(), "--version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the launcher's build did not end");
        assertEquals(0, p.exitValue(), "sysql --version");
    }

    @Test
    void anArrowFileHasTheCsvRowsAndTypedColumns() throws Exception {
        Path arrow = tmp.resolve("events.arrow");
        sysql("query", "-r", FILE.toString(), "--format", "arrow", "-o", arrow.toString(), ALL);
        assertSameAsCsv(read("read-arrow.mjs", arrow), ARROW_TYPE_OF);
    }

    /** The same over Parquet, read by DuckDB. */
    @Test
    void aParquetFileHasTheCsvRowsAndTypedColumns() throws Exception {
        Path parquet = tmp.resolve("events.parquet");
        sysql("query", "-r", FILE.toString(), "--format", "parquet", "-o", parquet.toString(), ALL);
        assertSameAsCsv(read("read-parquet.mjs", parquet), DUCKDB_TYPE_OF);
        // a result without rows is a file with the columns and no row
        Path empty = tmp.resolve("empty.parquet");
        sysql("query", "-r", FILE.toString(), "--format", "parquet", "-o", empty.toString(), ALL + " WHERE 1 = 0");
        JsonNode none = read("read-parquet.mjs", empty);
        assertEquals(0, none.get("rows").size());
        assertEquals(sqlTypes(ALL).size(), none.get("fields").size());
    }

    private static final String ALL = "SELECT * FROM events";

    /**
     * What the client read equals the CSV of {@link #ALL}, cell by cell, and each column has the type typeOf gives
     * its SQL type.
     */
    private void assertSameAsCsv(JsonNode read, Map<String, String> typeOf) throws Exception {
        String csv = sysql("query", "-r", FILE.toString(), "--format", "csv", ALL);
        List<CSVRecord> records = CSVFormat.DEFAULT.parse(new StringReader(csv)).getRecords();
        List<String> header = records.get(0).toList();
        JsonNode fields = read.get("fields");
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.get("name").asText()));
        assertEquals(header, names, "the columns, in order");

        Map<String, String> sqlTypes = sqlTypes(ALL);
        for (JsonNode f : fields) {
            String name = f.get("name").asText();
            String sqlType = sqlTypes.get(name);
            assertTrue(typeOf.containsKey(sqlType), name + ": a SQL type this test does not know: " + sqlType);
            assertEquals(typeOf.get(sqlType), f.get("type").asText(), name + " (" + sqlType + ")");
        }

        JsonNode rows = read.get("rows");
        assertEquals(records.size() - 1, rows.size(), "rows");
        assertTrue(rows.size() > 100, "a file of many events: " + rows.size());
        for (int r = 0; r < rows.size(); r++) {
            CSVRecord expected = records.get(r + 1);
            JsonNode row = rows.get(r);
            for (int c = 0; c < header.size(); c++) {
                String want = expected.get(c);
                JsonNode got = row.get(c);
                String where = "row " + (r + 1) + ", " + header.get(c);
                if (got.isNull()) {
                    assertEquals("", want, where + ": NULL in the file, a value in the CSV");
                } else if (sqlTypes.get(header.get(c)).equals("DOUBLE")) {
                    assertEquals(Double.parseDouble(want), Double.parseDouble(got.asText()), 0.0, where);
                } else {
                    assertEquals(want, got.asText(), where);
                }
            }
        }
    }

    @Test
    void moreThanOneStatementOrATerminalIsRefused() throws Exception {
        Run r = launch(List.of("query", "-r", FILE.toString(), "--format", "arrow", "SELECT 1; SELECT 2"));
        assertEquals(2, r.code, r.err);
        // (the launcher's first run in a clone says it builds, first)
        assertTrue(
                r.err.endsWith("sysql: --format arrow writes the rows of one query: give one statement (2 given)\n"),
                r.err);
    }

    /**
     * A stream written as Arrow until SIGINT: the rows that came are in the file, which ends with the stream's end
     * marker, so a reader takes it whole.
     */
    @Test
    @RequiresBpf
    void aStreamsArrowFileIsCompleteAfterSigint() throws Exception {
        sysql.testing.Sigint.requireDelivered();
        Path arrow = tmp.resolve("stream.arrow");
        Process query = streamQuery("arrow", arrow, "evt.num, evt.time, evt.type, fd.name, evt.rawres");
        try {
            // the capture is on once the file has the stream's schema
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(arrow) || Files.size(arrow) == 0) && System.nanoTime() < deadline) {
                assertTrue(query.isAlive(), () -> "the query ended: " + read(tmp.resolve("query.err")));
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            Process workload = new ProcessBuilder(
                            ROOT.resolve("driver-kmod/target/native/sysql-workload")
                                    .toString(),
                            "-o",
                            "5",
                            "/etc/hostname")
                    .start();
            assertTrue(workload.waitFor(30, TimeUnit.SECONDS));
            Thread.sleep(2000);
            stopWithSigint(query);
        } finally {
            query.destroyForcibly();
        }
        byte[] bytes = Files.readAllBytes(arrow);
        assertArrayEquals(
                new byte[] {-1, -1, -1, -1, 0, 0, 0, 0},
                Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length),
                "the file ends with the Arrow stream's end marker");
        JsonNode read = read("read-arrow.mjs", arrow);
        JsonNode rows = read.get("rows");
        assertEquals(5, rows.size(), "the workload's five opens: " + rows);
        for (JsonNode row : rows) {
            assertEquals("openat", row.get(2).asText(), row.toString());
            assertEquals("/etc/hostname", row.get(3).asText(), row.toString());
            assertTrue(row.get(4).asLong() >= 0, row.toString());
        }
        assertEquals(
                "Timestamp<MILLISECOND>", read.get("fields").get(1).get("type").asText());
    }

    /**
     * A stream written as Parquet until SIGINT: the file appears whole once the query ends, with the rows that came
     * (a workload opening a file ten times a second meanwhile), and nothing half-written is left beside it.
     */
    @Test
    @RequiresBpf
    void aStreamsParquetFileIsWholeAfterSigint() throws Exception {
        sysql.testing.Sigint.requireDelivered();
        Path parquet = tmp.resolve("stream.parquet");
        Process query = streamQuery("parquet", parquet, "evt.time, evt.type, fd.name");
        Process workload = new ProcessBuilder(
                        ROOT.resolve("driver-kmod/target/native/sysql-workload").toString(),
                        "-r",
                        "10",
                        "-o",
                        "300",
                        "/etc/hostname")
                .start();
        try {
            Thread.sleep(12_000);
            assertTrue(query.isAlive(), () -> "the query ended: " + read(tmp.resolve("query.err")));
            assertTrue(Files.notExists(parquet), "the file appears only when whole");
            stopWithSigint(query);
        } finally {
            query.destroyForcibly();
            workload.destroyForcibly();
        }
        JsonNode read = read("read-parquet.mjs", parquet);
        JsonNode rows = read.get("rows");
        assertTrue(rows.size() >= 5, "the opens while the query ran: " + rows);
        for (JsonNode row : rows) {
            assertEquals("openat", row.get(1).asText(), row.toString());
            assertEquals("/etc/hostname", row.get(2).asText(), row.toString());
        }
        assertEquals("TIMESTAMP", read.get("fields").get(0).get("type").asText());
        try (var left = Files.list(tmp)) {
            assertEquals(
                    List.of(),
                    left.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".partial"))
                            .toList());
        }
    }

    /** sysql query streaming the workload's opens' columns into file in the format, through the launcher. */
    private Process streamQuery(String format, Path file, String columns) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        ROOT.resolve("sysql").toString(),
                        "query",
                        "--no-history",
                        "--format",
                        format,
                        "-o",
                        file.toString(),
                        "SELECT STREAM " + columns + " FROM events "
                                + "WHERE proc.name = 'sysql-workload' AND evt.type = 'openat' AND evt.dir = '<'")
                .redirectError(tmp.resolve("query.err").toFile());
        pb.environment().put("SYSQL_SOCKET", tmp.resolve("no-daemon.sock").toString());
        return pb.start();
    }

    /** SIGINT ends the query, which exits 0 soon. */
    private void stopWithSigint(Process query) throws Exception {
        new ProcessBuilder("kill", "-INT", String.valueOf(query.pid())).start().waitFor();
        assertTrue(
                query.waitFor(30, TimeUnit.SECONDS),
                () -> "SIGINT did not stop the streaming query: " + read(tmp.resolve("query.err")));
        assertEquals(0, query.exitValue(), read(tmp.resolve("query.err")));
    }

    private record Run(int code, String out, String err) {}

    /** The launcher's output for these arguments; fails on a non-zero exit. */
    private String sysql(String... args) throws Exception {
        Run r = launch(List.of(args));
        if (r.code != 0) {
            fail("sysql " + String.join(" ", args) + " exited " + r.code + ": " + r.err);
        }
        return r.out;
    }

    private Run launch(List<String> args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("bash", ROOT.resolve("sysql").toString()));
        command.addAll(args);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("SYSQL_SOCKET", tmp.resolve("no-daemon.sock").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sysql did not end");
        return new Run(p.exitValue(), read(out), read(err));
    }

    /**
     * What the client reads in the file: node/read-arrow.mjs (Apache Arrow's JavaScript library) or
     * node/read-parquet.mjs (DuckDB).
     */
    private JsonNode read(String script, Path file) throws Exception {
        for (String module : List.of("apache-arrow", "@duckdb/node-api")) {
            if (!Files.isDirectory(NODE.resolve("node_modules").resolve(module))) {
                fail(module + " is not installed in " + NODE + ": run scripts/install-deps.sh --tests");
            }
        }
        Path out = tmp.resolve("node.out");
        Process p = new ProcessBuilder("node", NODE.resolve(script).toString(), file.toString())
                .redirectOutput(out.toFile())
                .redirectError(tmp.resolve("node.err").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node did not end");
        assertEquals(0, p.exitValue(), "node/" + script + ": " + read(tmp.resolve("node.err")));
        return new ObjectMapper().readTree(out.toFile());
    }

    /** Each column's SQL type name, as sysql's JDBC driver says, over the same file. */
    private static Map<String, String> sqlTypes(String sql) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("file", FILE.toString());
        Map<String, String> types = new java.util.HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sysql:", p);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(sql + " LIMIT 0")) {
            java.sql.ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                types.put(md.getColumnLabel(i), md.getColumnTypeName(i));
            }
        }
        return types;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.CaptureException;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.scap.ScapFileSource;

/**
 * Bad capture files and bad arguments of {@code scap_file}: a one-line error that names the file and what is
 * wrong (no exception class, no stack trace), and, for a file damaged after some events, those events first.
 */
class BadInputTest extends CaptureFileTests {
    private static final String CAPTURE = "libs_curl_google.scap";

    @TempDir
    static Path dir;

    BadInputTest() throws Exception {
        super("falco_syscall.scap");
    }

    /** What a query read before it failed, and the error's one-line message. */
    private record Outcome(List<Long> rows, String message) {}

    private Outcome run(String sql) {
        List<Long> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getLong(1));
            }
        } catch (SQLException | RuntimeException e) { // Calcite's next() lets the scan's error through as it is
            return new Outcome(rows, userMessage(e));
        }
        return new Outcome(rows, null);
    }

    /** The message sysql gives the user: the first SysqlException or CaptureException of the chain. */
    private static String userMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SysqlException || t instanceof CaptureException) {
                String m = t.getMessage();
                assertFalse(
                        m.contains("\n") || m.contains("Exception") || m.contains("\tat "),
                        "one line, no exception names or stack: " + m);
                return m;
            }
        }
        throw new AssertionError("no user error in " + e, e);
    }

    private static String scapFile(Path p) {
        return "TABLE(scap_file('" + p.toString().replace("'", "''") + "'))";
    }

    private static byte[] uncompressed(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** The events a file delivers before its error (the capture layer's count). */
    private static long eventsBeforeTheDamage(Path file) {
        long n = 0;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    n++;
                }
            }
            throw new AssertionError(file + " is whole");
        } catch (CaptureException expected) {
            return n;
        }
    }

    @Test
    void aMissingFileAnEmptyPathAndADirectoryAreOneLineErrors() {
        Outcome missing = run("SELECT evt.num FROM TABLE(scap_file('/nonexistent/trace.scap'))");
        String m = missing.message();
        assertTrue(m.contains("/nonexistent/trace.scap") && m.contains("does not exist"), m);
        for (String empty : List.of("''", "'  '", "CAST(NULL AS VARCHAR)")) {
            Outcome o = run("SELECT evt.num FROM TABLE(scap_file(" + empty + "))");
            assertTrue(o.message().startsWith("scap_file needs the path of a capture file"), o.message());
        }
        Outcome directory = run("SELECT evt.num FROM " + scapFile(dir));
        assertTrue(directory.message().contains("is a directory"), directory.message());
        assertThrows(CaptureException.class, () -> new FileEngine(dir.resolve("missing.scap")));
    }

    @Test
    void aFileThatIsNoCaptureIsAnError() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.scap"), "these are notes, not events\n");
        Outcome o = run("SELECT evt.num FROM " + scapFile(text));
        assertTrue(o.message().startsWith("notes.scap: not a sysdig capture file"), o.message());
        assertTrue(o.rows().isEmpty());
        Path empty = Files.write(dir.resolve("empty.scap"), new byte[0]);
        assertTrue(run("SELECT evt.num FROM " + scapFile(empty)).message().startsWith("empty.scap: "));
    }

    @Test
    void aTruncatedFileGivesTheEventsBeforeTheCutThenTheError() throws Exception {
        byte[] whole = uncompressed(TestConnections.scap(CAPTURE));
        List<Long> all = run("SELECT evt.num FROM TABLE(scap_file('"
                        + TestConnections.scap(CAPTURE).toAbsolutePath() + "'))")
                .rows();
        for (double at : new double[] {0.7, 0.9, 0.99}) {
            Path cut = Files.write(
                    dir.resolve("cut" + (int) (at * 100) + ".scap"), Arrays.copyOf(whole, (int) (whole.length * at)));
            long before = eventsBeforeTheDamage(cut);
            Outcome o = run("SELECT evt.num FROM " + scapFile(cut));
            assertTrue(before > 0 && before < all.size(), "events before the cut: " + before);
            assertEquals(all.subList(0, (int) before), o.rows(), cut + ": the whole events before the cut");
            assertTrue(
                    o.message() != null
                            && o.message().startsWith(cut.getFileName() + ": truncated")
                            && o.message().contains("offset"),
                    o.message());

            // filtered, the rows the filter keeps among them
            Outcome opens = run("SELECT evt.num FROM " + scapFile(cut) + " WHERE evt.type = 'open'");
            assertFalse(opens.rows().isEmpty());
            assertTrue(
                    opens.rows().stream().allMatch(n -> n <= all.get((int) before - 1)),
                    opens.rows().toString());
            assertTrue(opens.message() != null);

            // an aggregate over a damaged file is an error, never a count of part of it
            Outcome count = run("SELECT COUNT(*) FROM " + scapFile(cut));
            assertTrue(count.rows().isEmpty() && count.message().contains("truncated"), count.toString());
        }
    }

    @Test
    void aCutInsideTheHeaderOrTheGzipStreamIsAnError() throws Exception {
        byte[] whole = uncompressed(TestConnections.scap(CAPTURE));
        Path header = Files.write(dir.resolve("header.scap"), Arrays.copyOf(whole, 100));
        Outcome h = run("SELECT evt.num FROM " + scapFile(header));
        assertTrue(h.rows().isEmpty() && h.message().startsWith("header.scap: truncated"), h.toString());

        byte[] gzip = Files.readAllBytes(TestConnections.scap(CAPTURE));
        Path gz = Files.write(dir.resolve("cut.scap.gz"), Arrays.copyOf(gzip, gzip.length * 3 / 4));
        Outcome g = run("SELECT evt.num FROM " + scapFile(gz));
        assertTrue(g.message().startsWith("cut.scap.gz: gzip stream ends early"), g.message());
        assertEquals(eventsBeforeTheDamage(gz), g.rows().size());
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sysql.capture.Event;
import sysql.capture.EventBatch;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;
import sysql.capture.fields.FieldCatalog;
import sysql.capture.scap.ScapFileSource;
import sysql.capture.state.ThreadInfo;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * {@code sysql capture -w FILE} as a user runs it (its own JVM, stopped by SIGTERM or by {@code -n}): the file holds
 * a scripted child's events, and sysql's reader and sysdig 0.29.3 read the same events from it.
 */
@RequiresBpf
class CaptureCommandIT {
    static final String[] FIELDS = {"evt.num", "thread.tid", "evt.type", "evt.dir", "proc.name"};
    static final Pattern SUMMARY =
            Pattern.compile("sysql capture: (\\d+) events written to .*; driver: \\d+ events, " + "(\\d+) dropped");

    @TempDir
    Path dir;

    static Path sysdig() {
        for (String p : List.of("/usr/bin/sysdig", "/usr/local/bin/sysdig")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return fail("sysdig is not installed: this test uses sysdig 0.29.3 as its oracle; install it with "
                + "`apt-get install -y --no-install-recommends sysdig`");
    }

    /** {@code sysql capture ARGS} in a JVM of its own (the jar and libraries the package phase built). */
    ProcessBuilder sysql(Path stderr, String... args) {
        List<String> cmd = new ArrayList<>(List.of("capture"));
        cmd.addAll(List.of(args));
        return command(stderr, cmd);
    }

    /**
     * {@code sysql ARGS} in a JVM of its own, java.nio opened to Arrow as the launcher opens it
     * (scripts/runtime-java.sh).
     */
    static ProcessBuilder command(Path stderr, List<String> args) {
        Path target = Path.of(System.getProperty("basedir", ".")).resolve("target");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                target.resolve("sysql-cli.jar") + ":" + target.resolve("lib") + "/*",
                "sysql.cli.Sysql"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile());
    }

    static void awaitLine(Process p, Path stderr, String marker) throws Exception {
        try {
            Await.until(
                    () -> {
                        if (!p.isAlive() && !Files.readString(stderr).contains(marker)) {
                            fail("sysql capture ended (exit " + p.exitValue() + ") before capturing: " + read(stderr));
                        }
                        return Files.readString(stderr).contains(marker);
                    },
                    Duration.ofSeconds(60),
                    () -> "sysql capture did not start in 60 s: " + read(stderr));
        } catch (AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Waits for the end; returns {events written, drops} from the summary line. */
    static long[] summary(Process p, Path stderr) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("sysql capture did not end in 60 s: " + Files.readString(stderr));
        }
        String err = Files.readString(stderr);
        Matcher m = SUMMARY.matcher(err);
        assertTrue(m.find(), "no summary line: " + err);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    static List<String> sysdigLines(Path file, String format, String filter) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(sysdig().toString(), "-r", file.toString(), "-p", format));
        if (filter != null) {
            cmd.add(filter);
        }
        Path out = dir(file).resolve("sysdig.out");
        Path err = dir(file).resolve("sysdig.err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sysdig -r " + file + " did not finish in 120 s");
        String errText = Files.readString(err).strip();
        assertEquals(0, p.exitValue(), "sysdig -r " + file + " failed: " + errText);
        assertEquals("", errText, "sysdig -r " + file + " complained");
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    static Path dir(Path file) {
        return file.toAbsolutePath().getParent();
    }

    @BeforeEach
    void sysdigPresent() {
        sysdig(); // fail now, not after the capture, when the oracle is missing
    }

    @Test
    void writesAScriptedChildThatSysqlAndSysdigReadBack() throws Exception {
        Path file = dir.resolve("live.scap");
        Path err = dir.resolve("capture.err");
        Path target = dir.resolve("hello.txt");
        Process capture = sysql(err, "-w", file.toString()).start();
        long child;
        try {
            awaitLine(capture, err, "sysql capture: writing " + file);
            Process p = new ProcessBuilder(
                            "/bin/bash",
                            "-c",
                            "echo hello > " + target + "; cat " + target + " > /dev/null; exec /usr/bin/sleep 0.05")
                    .redirectErrorStream(true)
                    .start();
            child = p.pid();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            // No wait: the child's events are in the rings once it has been reaped, and the capture writes what
            // the rings hold when it stops.
        } finally {
            capture.destroy(); // SIGTERM: stops the probe, writes what the rings hold, prints the summary
        }
        long[] summary = summary(capture, err);
        assertEquals(0, summary[1], "drops: " + Files.readString(err));

        // sysql's reader: every event written, the child's among them
        Field[] fields = new Field[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            fields[i] = FieldCatalog.get(FIELDS[i]);
        }
        Field fdName = FieldCatalog.get("fd.name");
        Map<Long, String> sysqlRows = new LinkedHashMap<>();
        Set<Long> tids = new TreeSet<>();
        boolean wroteTarget = false;
        boolean execSleep = false;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            EventContext ctx = EventContext.forCaptureFile(src.initialState());
            Event e = new Event();
            while (src.fill(batch, 0)) {
                while (batch.next(e)) {
                    ctx.advance(e);
                    ThreadInfo t = ctx.thread();
                    if (t == null || t.pid() != child) {
                        continue;
                    }
                    tids.add(e.tid());
                    List<String> v = new ArrayList<>();
                    for (Field f : fields) {
                        v.add(f.format(ctx));
                    }
                    sysqlRows.put(ctx.num(), String.join("|", v));
                    wroteTarget |= e.typeName().equals("write")
                            && target.toString().equals(fdName.format(ctx))
                            && t.comm().equals("bash");
                    execSleep |= e.typeName().equals("execve")
                            && !e.isEnter()
                            && t.comm().equals("sleep");
                }
            }
            assertEquals(summary[0], src.eventsRead(), "events in the file against the summary");
        }
        assertTrue(sysqlRows.size() > 20, "too few events of the child: " + sysqlRows.values());
        assertTrue(wroteTarget, "sysql's reader saw no write of bash to " + target + ": " + sysqlRows.values());
        assertTrue(execSleep, "sysql's reader saw no execve of sleep: " + sysqlRows.values());

        // sysdig on the same file: the same events of the child, the same values
        String format = "*" + List.of(FIELDS).stream().map(f -> "%" + f).collect(Collectors.joining("|")) + "|%fd.name";
        String filter = "thread.tid in (" + tids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
        Map<Long, String> sysdigRows = new LinkedHashMap<>();
        boolean sysdigWrite = false;
        for (String line : sysdigLines(file, format, filter)) {
            int cut = line.lastIndexOf('|');
            String row = line.substring(0, cut);
            sysdigRows.put(Long.parseLong(row.substring(0, row.indexOf('|'))), row);
            sysdigWrite |=
                    row.contains("|write|<|bash") && line.substring(cut + 1).equals(target.toString());
        }
        assertEquals(sysqlRows, sysdigRows, "the child's events as sysql and sysdig read them from " + file);
        assertTrue(sysdigWrite, "sysdig saw no write of bash to " + target);
    }

    @Test
    void stopsAfterCountEventsAndWritesGzip() throws Exception {
        Path file = dir.resolve("count.scap.gz");
        Path err = dir.resolve("count.err");
        // something to capture, whatever else the host does
        Process load = new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=2000000")
                .redirectErrorStream(true)
                .start();
        try {
            Process capture =
                    sysql(err, "-w", file.toString(), "-n", "2000", "--gzip").start();
            long[] summary = summary(capture, err);
            assertEquals(0, capture.exitValue(), Files.readString(err));
            assertEquals(2000, summary[0], Files.readString(err));
        } finally {
            load.destroy();
        }
        // where the rings lost events (a busy host), the file also holds sysql.drops notices, beside the 2000
        java.util.regex.Matcher m =
                Pattern.compile("and (\\d+) sysql.drops notices").matcher(Files.readString(err));
        long notices = m.find() ? Long.parseLong(m.group(1)) : 0;
        try (ScapFileSource src = ScapFileSource.open(file);
                EventBatch batch = new EventBatch()) {
            assertTrue(src.compressed(), "--gzip writes a gzip file");
            while (src.fill(batch, 0)) {
                // count only
            }
            assertEquals(2000 + notices, src.eventsRead());
        }
        List<String> lines = sysdigLines(file, "*%evt.num", null);
        assertTrue(
                !lines.isEmpty() && Long.parseLong(lines.get(lines.size() - 1).strip()) <= 2000 + notices,
                "sysdig read " + lines.size() + " events");
    }

    // ---- --format arrow

    static final Path WORKLOAD = ShellIT.WORKLOAD;
    /** The end-of-stream marker of an Arrow IPC stream: the continuation token and a zero length. */
    static final byte[] END_MARKER = {-1, -1, -1, -1, 0, 0, 0, 0};

    /** The schema {@code sysql query --format arrow "SELECT STREAM * FROM events"} writes (one query per run). */
    private static Schema querySchema;

    /** An Arrow stream file read back: its schema, its rows, and whether it is whole (ends with the end marker). */
    record ArrowFile(Schema schema, List<Map<String, Object>> rows, boolean complete) {
        /** The rows of {@code pid}'s openat exits on {@code path}, as the workload's opens are. */
        long opens(Path path, long pid) {
            return rows.stream()
                    .filter(r -> "openat".equals(r.get("evt.type"))
                            && "<".equals(r.get("evt.dir"))
                            && path.toString().equals(r.get("fd.name"))
                            && r.get("proc.pid") instanceof Number p
                            && p.longValue() == pid)
                    .count();
        }
    }

    /**
     * Reads an Arrow stream with Apache Arrow's {@link ArrowStreamReader}: every value, text as String (the build
     * opens java.nio to Arrow in the test JVM, as the launcher does).
     */
    static ArrowFile readArrow(Path file) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(file);
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        Object o = v.getObject(i);
                        row.put(v.getName(), o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
                    }
                    rows.add(row);
                }
            }
            // whole: the end marker last, right where the reader stopped (a stream cut after a batch reads as ended
            // too, without it)
            boolean complete = bytes.length >= 8
                    && reader.bytesRead() == bytes.length
                    && java.util.Arrays.equals(
                            java.util.Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length), END_MARKER);
            return new ArrowFile(root.getSchema(), rows, complete);
        }
    }

    /** The file as far as it is written, or null while it ends inside a message (it is being written). */
    static ArrowFile readSoFar(Path file) {
        try {
            return Files.exists(file) ? readArrow(file) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** What a failure says of the file: its rows on {@code path}, or why it cannot be read. */
    static String rowsOf(Path file, Path path) {
        try {
            ArrowFile f = readArrow(file);
            return f.rows().size() + " rows, on " + path + ": "
                    + f.rows().stream()
                            .filter(r -> path.toString().equals(r.get("fd.name")))
                            .map(r -> r.get("evt.type") + " " + r.get("evt.dir") + " pid " + r.get("proc.pid"))
                            .toList();
        } catch (Exception e) {
            return "unreadable: " + e;
        }
    }

    /** The schema of {@code sysql query --format arrow "SELECT STREAM * FROM events"}'s file. */
    synchronized Schema querySchema() throws Exception {
        if (querySchema == null) {
            Path out = dir.resolve("query.arrow");
            Path err = dir.resolve("query.err");
            Process q = command(
                            err,
                            List.of(
                                    "query",
                                    "--no-history",
                                    "--format",
                                    "arrow",
                                    "-o",
                                    out.toString(),
                                    "SELECT STREAM * FROM events LIMIT 1"))
                    .start();
            if (!q.waitFor(120, TimeUnit.SECONDS)) {
                q.destroyForcibly();
                fail("sysql query did not end in 120 s: " + read(err));
            }
            assertEquals(0, q.exitValue(), read(err));
            ArrowFile f = readArrow(out);
            assertTrue(f.complete(), "the query's Arrow stream is whole");
            querySchema = f.schema();
        }
        return querySchema;
    }

    /** Its columns: the field catalog's (what SELECT * shows), each as the query types it, evt.time a timestamp. */
    void assertCatalogColumns(ArrowFile f) throws Exception {
        List<String> names = f.schema().getFields().stream()
                .map(org.apache.arrow.vector.types.pojo.Field::getName)
                .toList();
        assertEquals(FieldCatalog.all().stream().map(Field::name).toList(), names, "the columns are the catalog's");
        assertEquals(querySchema().getFields(), f.schema().getFields(), "names and types as sysql query writes them");
        assertEquals(
                ArrowType.ArrowTypeID.Timestamp,
                f.schema().findField("evt.time").getType().getTypeID(),
                "evt.time is an Arrow timestamp");
    }

    /** Runs the workload: {@code n} opens of {@code path}; returns its pid once it has exited. */
    static long opens(Path path, int n) throws Exception {
        Process p = new ProcessBuilder(WORKLOAD.toAbsolutePath().toString(), "-o", Integer.toString(n), path.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the workload did not end");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return p.pid();
    }

    @Test
    void writesTheEventsAsAnArrowStreamWithTheCatalogsColumnsWholeAfterSigint() throws Exception {
        sysql.testing.Sigint.requireDelivered();
        int n = 25;
        Path file = dir.resolve("live.stream");
        Path err = dir.resolve("arrow.err");
        Path first = Files.writeString(dir.resolve("first-" + System.nanoTime() + ".txt"), "1");
        Path second = Files.writeString(dir.resolve("second-" + System.nanoTime() + ".txt"), "2");
        Process capture = sysql(err, "--format", "arrow", "-w", file.toString(), "-s", "openat")
                .start();
        long firstPid;
        long secondPid;
        try {
            awaitLine(capture, err, "sysql capture: writing " + file + " (arrow)");
            long pid = opens(first, n);
            firstPid = pid;
            // the rows go out as they come: the first child's opens are in the file while the capture runs
            Await.until(
                    () -> {
                        ArrowFile f = readSoFar(file);
                        return f != null && f.opens(first, pid) >= n;
                    },
                    Duration.ofSeconds(60),
                    () -> "the first child's (" + pid + ") opens did not reach the file: " + read(err) + "; "
                            + rowsOf(file, first));
            secondPid = opens(second, n);
            // no wait: what was captured before Ctrl-C reaches the file before it ends
            assertEquals(
                    0,
                    new ProcessBuilder("kill", "-INT", String.valueOf(capture.pid()))
                            .start()
                            .waitFor());
            long[] summary = summary(capture, err);
            assertEquals(0, capture.exitValue(), "exit code after SIGINT: " + read(err));
            ArrowFile f = readArrow(file);
            assertTrue(f.complete(), "the stream ends with its end marker after SIGINT");
            assertEquals(summary[0], f.rows().size(), "rows in the file against the summary: " + read(err));
            assertCatalogColumns(f);
            assertEquals(n, f.opens(first, firstPid), "the first child's opens of " + first);
            assertEquals(n, f.opens(second, secondPid), "the second child's opens of " + second);
            // -s openat is evt.type = 'openat' (and the capture's own drop notices)
            Set<Object> types = new TreeSet<>();
            f.rows().forEach(r -> types.add(r.get("evt.type")));
            assertTrue(Set.of("openat", "notification").containsAll(types), "event types: " + types);
            assertTrue(
                    f.rows().stream().allMatch(r -> r.get("evt.time") instanceof java.time.LocalDateTime),
                    "evt.time holds timestamps");
        } finally {
            capture.destroyForcibly();
        }
    }

    @Test
    void stopsAfterCountRowsInAFileNamedDotArrow() throws Exception {
        Path file = dir.resolve("count.arrow"); // the name selects the format
        Path err = dir.resolve("count-arrow.err");
        Process load = new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=2000000")
                .redirectErrorStream(true)
                .start();
        try {
            Process capture = sysql(err, "-w", file.toString(), "-n", "300").start();
            long[] summary = summary(capture, err);
            assertEquals(0, capture.exitValue(), read(err));
            assertEquals(300, summary[0], read(err));
        } finally {
            load.destroy();
        }
        ArrowFile f = readArrow(file);
        assertTrue(f.complete(), "the stream ends with its end marker after --count");
        assertEquals(300, f.rows().size());
        assertCatalogColumns(f);
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * SQL benchmark: one query over a {@code jdbc:sysql:} connection, a number of times, each timed from
 * {@code prepareStatement} (parse, plan, compile) through {@code executeQuery} to the last row.
 *
 * <p>Over the live host's history ({@code --url jdbc:sysql:historySeconds=...;historyMegabytes=...}) it first
 * records a workload: with the connection open (so the recorder holds everything from then on) it starts the
 * {@code --capture} command (e.g. {@code sysql capture -w FILE}, which writes the same events to a {@code .scap}
 * file with a probe of its own) and waits until it writes, runs the {@code --storm} command, stops the capture
 * (SIGTERM) and waits until the recorder has taken in what the rings still held. Then, with {@code --pin CORE},
 * every thread of this JVM (the live capture's too, which goes on recording whatever the host does) is pinned to
 * one core, and the query runs. Over a capture file ({@code --url jdbc:sysql:file=FILE}) it just runs the query.
 *
 * <p>Prints {@code key=value} lines: {@code capture: }/{@code storm: } the children's summaries, {@code recorded:}
 * the capture's counters (history events, driver events and drops), one {@code rep=} line per run (seconds, of
 * which preparing; events of the source, events/s; the heap's peak), then the memory: peak heap used, direct (off-heap) memory (the recorder's segments),
 * RSS. The query's result goes to {@code --result FILE} as {@code uniq -c} prints it: count, a space, the value of
 * the first column, sorted by that value.
 */
public final class SqlQueryBench {
    /** The benchmark's query (its target is in BENCHMARKS.md). */
    public static final String DEFAULT_SQL =
            "SELECT proc.name, COUNT(*) FROM events WHERE fd.type = 'file' GROUP BY proc.name";

    private static final String STATS_SQL =
            "SELECT history_events, events, drops, delivered_events " + "FROM capture_stats WHERE cpu IS NULL";

    private SqlQueryBench() {}

    public static void main(String[] args) throws Exception {
        String url = null;
        String sql = DEFAULT_SQL;
        int reps = 1;
        String capture = null;
        String storm = null;
        String pin = null;
        long events = -1;
        long minEvents = 0;
        Path result = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = v;
                case "--sql" -> sql = v;
                case "--reps" -> reps = Integer.parseInt(v);
                case "--capture" -> capture = v;
                case "--storm" -> storm = v;
                case "--pin" -> pin = v;
                case "--events" -> events = Long.parseLong(v);
                case "--min-events" -> minEvents = Long.parseLong(v);
                case "--result" -> result = Path.of(v);
                default -> usage("unknown argument " + a);
            }
        }
        if (url == null) {
            usage("give the connection: --url jdbc:sysql:...");
        }
        boolean live = !url.contains("file=");
        try (Connection c = DriverManager.getConnection(url)) {
            if (live) {
                if (storm == null) {
                    usage("a live connection's history needs a workload to record: --storm CMD");
                }
                record(c, capture, storm);
                long held = stats(c)[0];
                if (held < minEvents) {
                    System.err.println("sql-bench: the history holds " + held + " events, fewer than " + minEvents
                            + ": make the storm longer, or raise historyMegabytes");
                    System.exit(1);
                }
            }
            if (pin != null) {
                run(
                        "taskset",
                        "-a",
                        "-p",
                        "-c",
                        pin,
                        String.valueOf(ProcessHandle.current().pid()));
            }
            Map<String, Long> first = null;
            for (int rep = 1; rep <= reps; rep++) {
                long source = live ? stats(c)[0] : events;
                JvmMemory.resetPeaks();
                long start = System.nanoTime();
                long[] prepared = new long[1];
                Map<String, Long> rows = query(c, sql, prepared);
                long end = System.nanoTime();
                double seconds = (end - start) / 1e9;
                long counted = rows.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf(
                        "rep=%d seconds=%.3f prepare_seconds=%.3f events=%d events_per_sec=%.0f groups=%d "
                                + "counted=%d heap_used_peak_mib=%.1f%n",
                        rep,
                        seconds,
                        (prepared[0] - start) / 1e9,
                        source,
                        source / seconds,
                        rows.size(),
                        counted,
                        JvmMemory.heapPeak() / 1048576.0);
                System.out.flush();
                if (first == null) {
                    first = rows;
                } else if (!live && !first.equals(rows)) { // a live history grows between two runs
                    System.err.println("sql-bench: repetition " + rep + " gave another result than the first");
                    System.exit(1);
                }
                if (rep == 1 && result != null) {
                    writeResult(result, rows);
                }
            }
            System.out.println(memory());
        }
    }

    private static void usage(String problem) {
        System.err.println("sql-bench: " + problem + "; usage: SqlQueryBench --url jdbc:sysql:... [--sql SQL] "
                + "[--reps N] [--capture CMD] [--storm CMD] [--pin CORE] [--events N] [--min-events N] "
                + "[--result FILE]");
        System.exit(2);
    }

    /** Records {@code storm} into the connection's history, and into a file through {@code capture} if given. */
    private static void record(Connection c, String capture, String storm) throws Exception {
        Process cap = null;
        Path capErr = null;
        if (capture != null) {
            capErr = Files.createTempFile("sql-bench-capture", ".err");
            cap = new ProcessBuilder(capture.trim().split("\\s+"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(capErr.toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(capErr).contains("writing")) {
                if (!cap.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the capture did not start: " + Files.readString(capErr));
                }
                Thread.sleep(50);
            }
        }
        long before = stats(c)[0];
        String out = run(storm.trim().split("\\s+"));
        System.out.println("storm: " + out.strip());
        if (cap != null) {
            cap.destroy(); // SIGTERM: the capture writes what the rings hold and its summary
            if (!cap.waitFor(60, TimeUnit.SECONDS)) {
                cap.destroyForcibly();
                throw new IllegalStateException("the capture did not stop within 60 s");
            }
            int rc = cap.exitValue();
            List<String> lines = Files.readAllLines(capErr);
            Files.delete(capErr);
            String summary = lines.stream()
                    .filter(l -> l.contains("events written"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "the capture (exit " + rc + ") printed no " + "summary: " + lines));
            System.out.println("capture: " + summary);
        }
        // The capture thread empties the rings into the recorder: wait until the history stops growing fast.
        long held = stats(c)[0];
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            long now = stats(c)[0];
            if (now - held < 1000) {
                break;
            }
            held = now;
        }
        long[] s = stats(c);
        System.out.printf(
                "recorded: history_events=%d history_events_before_storm=%d driver_events=%d drops=%d "
                        + "delivered_events=%d%n",
                s[0], before, s[1], s[2], s[3]);
    }

    /** history_events, driver events, drops, delivered events (the total row of capture_stats). */
    private static long[] stats(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(STATS_SQL)) {
            if (!rs.next()) {
                throw new SQLException("capture_stats has no total row");
            }
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
        }
    }

    /**
     * The query's rows: first column (as text, NULL as {@code <NA>}, sysdig's word) to the second. Sets
     * {@code prepared[0]} to the time the statement was planned and compiled (the events not read yet).
     */
    private static Map<String, Long> query(Connection c, String sql, long[] prepared) throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            prepared[0] = System.nanoTime();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String k = rs.getString(1);
                    rows.merge(k == null ? "<NA>" : k, rs.getLong(2), Long::sum);
                }
            }
        }
        return rows;
    }

    private static void writeResult(Path file, Map<String, Long> rows) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            rows.forEach((k, n) -> w.println(n + " " + k));
        }
    }

    /** Runs a command to its end; its stdout. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + rc + ": " + out);
        }
        return out;
    }

    private static String memory() {
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b.getMemoryUsed();
            }
        }
        JvmMemory.Gc gc = JvmMemory.Gc.sinceStart();
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        double mib = 1 << 20;
        return String.format(
                "memory: heap_live_end_mib=%.1f direct_mib=%.1f rss_mib=%.1f rss_peak_mib=%.1f "
                        + "gc_count=%d gc_ms=%d",
                live / mib,
                direct / mib,
                JvmMemory.procStatus("VmRSS:") / mib,
                JvmMemory.procStatus("VmHWM:") / mib,
                gc.count(),
                gc.millis());
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import sysql.calcite.LiveEngine;
import sysql.capture.engine.CaptureHub;
import sysql.capture.engine.KernelFilter;
import sysql.capture.engine.ScanRequest;
import sysql.capture.engine.Subscription;

/**
 * Streaming benchmark: a windowed {@code SELECT STREAM … GROUP BY TUMBLE(…)} over a live
 * {@code jdbc:sysql:} connection while a storm runs. The query starts first; once its first window is out (the
 * JIT warm-up and the first partial window behind it), the {@code --storm} command runs; the rows are read until
 * the first window that starts after the storm ended, then the query is cancelled.
 *
 * <p>Per window: the wall time its first and last row reached this reader, minus the window's end (the emission
 * delay, an upper bound of the delay after the watermark passed), and minus the wall time at which the capture's
 * watermark passed the window's end — seen by a <em>watermark tap</em>: a subscription of this benchmark's own
 * on the connection's live capture (reached by reflection; its predicate keeps no row and it asks the kernel for
 * no syscall, so it costs the capture thread one predicate call an event) that polls the watermark every
 * millisecond, as the query's cursor sees it after each batch of the driver. Also: rows, the events the window
 * counted, the storm's own group ({@code --storm-name}, {@code --storm-type}).
 *
 * <p>Around the storm: the capture's counters ({@code capture_stats}: driver events, ring drops, rows dropped by
 * subscriptions; {@code capture_subscriptions}: the query's own dropped rows), CPU of the process, of the capture
 * thread and of the query's reading thread, the heap (sampled every 50 ms, the pools' peaks, the old
 * generation after its last collection), GCs, RSS. Prints {@code key=value} lines; one line per window goes to
 * {@code --windows FILE}.
 */
public final class StreamQueryBench {
    /** The benchmark's query (its target is in BENCHMARKS.md). */
    public static final String DEFAULT_SQL = "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS w, proc.name, "
            + "evt.type, COUNT(*) AS n FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name, evt.type";

    private static final String STATS_SQL = "SELECT events, drops, drops_ring_full, rows_dropped, delivered_events "
            + "FROM capture_stats WHERE cpu IS NULL";
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    /** One window as this reader saw it. */
    record Window(long endMillis, int rows, long events, long stormEvents, long firstNanos, long lastNanos) {}

    private StreamQueryBench() {}

    public static void main(String[] args) throws Exception {
        String url = "jdbc:sysql:history=off";
        String sql = DEFAULT_SQL;
        String storm = null;
        String warmup = null;
        String stormName = "sysql-storm";
        String stormType = "getppid";
        long leadMillis = 1500;
        long timeoutSeconds = 600;
        Path windowsFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = v;
                case "--sql" -> sql = v;
                case "--storm" -> storm = v;
                case "--warmup" -> warmup = v;
                case "--storm-name" -> stormName = v;
                case "--storm-type" -> stormType = v;
                case "--lead-ms" -> leadMillis = Long.parseLong(v);
                case "--timeout" -> timeoutSeconds = Long.parseLong(v);
                case "--windows" -> windowsFile = Path.of(v);
                default -> usage("unknown argument " + a);
            }
        }
        if (storm == null) {
            usage("give the workload: --storm CMD");
        }
        JvmMemory.resetPeaks();
        try (Connection c = DriverManager.getConnection(url);
                Connection statsConnection = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            HeapSampler heap = new HeapSampler();
            heap.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long prepareStart = System.nanoTime();
            ResultSet rs = st.executeQuery(sql); // returns with the first row: the first window is out
            System.out.printf("first_row_seconds=%.3f%n", (System.nanoTime() - prepareStart) / 1e9);
            WatermarkTap tap = WatermarkTap.open();
            long readerId = Thread.currentThread().getId();
            // The reading thread runs the aggregate (it must go on reading); another starts the storm.
            Controller control = new Controller(statsConnection, tap, readerId, leadMillis, warmup, storm);
            control.start();
            List<Window> windows = new ArrayList<>();
            long end = -1;
            int rows = 0;
            long events = 0;
            long stormEvents = 0;
            long first = 0;
            long last = 0;
            while (rs.next()) {
                long arrived = wallNanos();
                long w = rs.getTimestamp(1, UTC).getTime();
                if (w != end) {
                    if (end >= 0) {
                        windows.add(new Window(end, rows, events, stormEvents, first, last));
                    }
                    StormRun run = control.run;
                    if (run != null && run.endedWallNanos() > 0 && (w - 1000) * 1_000_000L >= run.endedWallNanos()) {
                        break; // every window the storm touched is complete
                    }
                    if (System.nanoTime() > deadline || control.failure != null) {
                        throw new IllegalStateException(
                                control.failure != null
                                        ? "stream-bench: " + control.failure
                                        : "the storm and its windows took more than " + timeoutSeconds + " s");
                    }
                    end = w;
                    rows = 0;
                    events = 0;
                    stormEvents = 0;
                    first = arrived;
                }
                long n = rs.getLong(4);
                rows++;
                events += n;
                if (stormName.equals(rs.getString(2)) && stormType.equals(rs.getString(3))) {
                    stormEvents += n;
                }
                last = arrived;
            }
            control.join();
            StormRun run = control.run;
            long[] before = control.before;
            Cpu cpuBefore = control.cpuBefore;
            long queryId = control.queryId;
            Cpu cpuAfter = control.cpuEnd;
            long[] after = stats(statsConnection);
            long queryDropped = droppedRows(statsConnection, queryId) - control.queryBefore;
            heap.stopSampling();
            st.cancel();
            tap.close();
            if (warmup != null) {
                long[] w = control.start;
                System.out.printf(
                        "warmup: %s drops=%d rows_dropped=%d driver_events=%d%n",
                        control.warmupOutput, before[1] - w[1], before[3] - w[3], before[0] - w[0]);
            }
            report(
                    run,
                    windows,
                    tap,
                    before,
                    after,
                    control.eventsEnd,
                    queryDropped,
                    cpuBefore,
                    cpuAfter,
                    heap,
                    windowsFile,
                    control.samples);
        }
    }

    private static void usage(String problem) {
        System.err.println(
                "stream-bench: " + problem + "; usage: StreamQueryBench --storm CMD [--url jdbc:sysql:...] "
                        + "[--sql SQL] [--warmup CMD] [--storm-name NAME] [--storm-type TYPE] [--lead-ms MS] [--timeout S] [--windows FILE]");
        System.exit(2);
    }

    private static void report(
            StormRun run,
            List<Window> windows,
            WatermarkTap tap,
            long[] before,
            long[] after,
            long eventsEnd,
            long queryDropped,
            Cpu cpuBefore,
            Cpu cpuAfter,
            HeapSampler heap,
            Path windowsFile,
            List<long[]> samples)
            throws Exception {
        long calls = run.calls();
        long stormStart = run.startedWallNanos();
        long stormEnd = run.endedWallNanos();
        double stormSeconds = (stormEnd - stormStart) / 1e9;
        System.out.println("storm: " + run.output());
        List<Double> firstDelay = new ArrayList<>();
        List<Double> lastDelay = new ArrayList<>();
        List<Double> firstAfterWm = new ArrayList<>();
        List<Double> lastAfterWm = new ArrayList<>();
        List<Double> wmLag = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        long stormCounted = 0;
        int full = 0;
        try (PrintWriter out = windowsFile == null
                ? null
                : new PrintWriter(Files.newBufferedWriter(windowsFile, StandardCharsets.UTF_8))) {
            if (out != null) {
                out.println(
                        "window_end\tunder_storm\trows\tevents\tstorm_events\twatermark_passed_ms\tfirst_row_ms"
                                + "\tlast_row_ms\tfirst_after_watermark_ms\tlast_after_watermark_ms\tring_drops\tquery_rows_dropped");
            }
            for (Window w : windows) {
                long endNanos = w.endMillis() * 1_000_000L;
                if (endNanos > stormStart) {
                    stormCounted += w.stormEvents(); // the warm-up's windows end before the lead time is over
                }
                boolean under = endNanos - 1_000_000_000L >= stormStart && endNanos <= stormEnd;
                Long passed = tap.passed(w.endMillis());
                double fd = (w.firstNanos() - endNanos) / 1e6;
                double ld = (w.lastNanos() - endNanos) / 1e6;
                double wm = passed == null ? Double.NaN : (passed - endNanos) / 1e6;
                double fa = passed == null ? Double.NaN : (w.firstNanos() - passed) / 1e6;
                double la = passed == null ? Double.NaN : (w.lastNanos() - passed) / 1e6;
                if (under) {
                    full++;
                    firstDelay.add(fd);
                    lastDelay.add(ld);
                    rates.add((double) w.events());
                    if (passed != null) {
                        wmLag.add(wm);
                        firstAfterWm.add(fa);
                        lastAfterWm.add(la);
                    }
                }
                if (out != null) {
                    long[] d = dropsWithin(samples, endNanos - 1_000_000_000L, endNanos);
                    out.printf(
                            "%s\t%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d%n",
                            Instant.ofEpochMilli(w.endMillis()),
                            under ? "yes" : "no",
                            w.rows(),
                            w.events(),
                            w.stormEvents(),
                            wm,
                            fd,
                            ld,
                            fa,
                            la,
                            d[0],
                            d[1]);
                }
            }
        }
        if (!firstDelay.isEmpty() && Math.abs(firstDelay.get(0)) > 600_000) {
            throw new IllegalStateException("a window arrived " + firstDelay.get(0) + " ms from its end: the event "
                    + "clock and this JVM's clock disagree (time zone?)");
        }
        System.out.printf("windows: total=%d under_storm=%d watermark_seen=%d%n", windows.size(), full, wmLag.size());
        System.out.println("delay_first_row_ms: " + Stats.of(firstDelay));
        System.out.println("delay_last_row_ms: " + Stats.of(lastDelay));
        System.out.println("watermark_after_end_ms: " + Stats.of(wmLag));
        System.out.println("first_row_after_watermark_ms: " + Stats.of(firstAfterWm));
        System.out.println("last_row_after_watermark_ms: " + Stats.of(lastAfterWm));
        System.out.println("window_events: " + Stats.of(rates));
        long driverEvents = eventsEnd - before[0]; // from just before the storm to its end
        System.out.printf(
                "counted: storm_calls=%d storm_seconds=%.3f storm_calls_per_sec=%.0f storm_events_expected=%d "
                        + "storm_events_counted=%d driver_events=%d driver_events_per_sec=%.0f drops=%d drops_ring_full=%d "
                        + "rows_dropped=%d query_rows_dropped=%d delivered_events=%d%n",
                calls,
                stormSeconds,
                calls / stormSeconds,
                2 * calls,
                stormCounted,
                driverEvents,
                driverEvents / stormSeconds,
                after[1] - before[1],
                after[2] - before[2],
                after[3] - before[3],
                queryDropped,
                after[4] - before[4]);
        double wall = (cpuAfter.wallNanos - cpuBefore.wallNanos) / 1e9;
        System.out.printf(
                "cpu: seconds=%.3f process_cores=%.2f capture_thread_cores=%.2f query_thread_cores=%.2f "
                        + "gc_count=%d gc_ms=%d%n",
                wall,
                (cpuAfter.process - cpuBefore.process) / 1e9 / wall,
                (cpuAfter.capture - cpuBefore.capture) / 1e9 / wall,
                (cpuAfter.query - cpuBefore.query) / 1e9 / wall,
                cpuAfter.gc.count() - cpuBefore.gc.count(),
                cpuAfter.gc.millis() - cpuBefore.gc.millis());
        double mib = 1 << 20;
        System.out.printf(
                "memory: heap_used_max_mib=%.1f heap_pools_peak_mib=%.1f heap_committed_max_mib=%.1f "
                        + "old_gen_after_gc_mib=%.1f heap_max_mib=%.1f rss_mib=%.1f rss_peak_mib=%.1f%n",
                heap.maxUsed / mib,
                JvmMemory.heapPeak() / mib,
                heap.maxCommitted / mib,
                JvmMemory.oldGenAfterGc() / mib,
                Runtime.getRuntime().maxMemory() / mib,
                JvmMemory.procStatus("VmRSS:") / mib,
                JvmMemory.procStatus("VmHWM:") / mib);
    }

    /** Ring drops and dropped rows counted between the samples around [from, to) (wall ns; 250 ms resolution). */
    private static long[] dropsWithin(List<long[]> samples, long from, long to) {
        long[] at = {0, 0};
        long[] upTo = {0, 0};
        for (long[] s : samples) {
            if (s[0] <= from) {
                at = new long[] {s[1], s[2]};
            }
            if (s[0] <= to) {
                upTo = new long[] {s[1], s[2]};
            }
        }
        return new long[] {upTo[0] - at[0], upTo[1] - at[1]};
    }

    /** Epoch time in ns (µs resolution), the clock the event times follow. */
    static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** events, drops, drops_ring_full, rows_dropped, delivered_events of capture_stats' total row. */
    private static long[] stats(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(STATS_SQL)) {
            if (!rs.next()) {
                throw new SQLException("capture_stats has no total row");
            }
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
        }
    }

    /** The id of the query's subscription: the one in capture_subscriptions that is not the tap. */
    private static long querySubscription(Connection c, long tapId) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM capture_subscriptions")) {
            while (rs.next()) {
                if (rs.getLong(1) != tapId) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        if (ids.size() != 1) {
            throw new IllegalStateException("expected the query's one subscription besides the tap, found " + ids);
        }
        return ids.get(0);
    }

    private static long droppedRows(Connection c, long id) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT dropped_rows FROM capture_subscriptions WHERE id = " + id)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** After the lead time: the counters before the storm, then the storm. */
    static final class Controller extends Thread {
        private final Connection stats;
        private final WatermarkTap tap;
        private final long readerId;
        private final long leadMillis;
        private final String warmup;
        private final String storm;
        /** The counters when the first row came, and before the storm (after the warm-up). */
        volatile long[] start;

        volatile long[] before;
        volatile String warmupOutput = "";
        volatile long queryId;
        /** The query's dropped rows (since it started) before the storm. */
        volatile long queryBefore;

        volatile Cpu cpuBefore;
        /** Within 10 ms after the storm ended: the CPU so far, the driver's events so far. */
        volatile Cpu cpuEnd;

        volatile long eventsEnd;
        volatile StormRun run;
        volatile Exception failure;
        /** Wall time, ring drops and the query's dropped rows since {@link #before}: read from the hub itself, not
         * through SQL (planning a query four times a second would take CPU from what is measured). */
        final List<long[]> samples = new java.util.concurrent.CopyOnWriteArrayList<>();

        Controller(Connection stats, WatermarkTap tap, long readerId, long leadMillis, String warmup, String storm) {
            super("stream-bench-control");
            setDaemon(true);
            this.stats = stats;
            this.tap = tap;
            this.readerId = readerId;
            this.leadMillis = leadMillis;
            this.warmup = warmup;
            this.storm = storm;
        }

        @Override
        public void run() {
            try {
                start = stats(stats);
                if (warmup != null) {
                    StormRun w = new StormRun(warmup);
                    while (w.endedWallNanos() == 0) {
                        Thread.sleep(20);
                    }
                    warmupOutput = w.output();
                }
                Thread.sleep(leadMillis);
                queryId = querySubscription(stats, tap.id());
                before = stats(stats);
                queryBefore = droppedRows(stats, queryId);
                cpuBefore = Cpu.now(readerId);
                run = new StormRun(storm);
                // Every 250 ms until a second after the storm: where the drops fall. Within 10 ms of the storm's
                // end: the CPU and the driver's events during the storm.
                long nextSample = System.nanoTime() + 250_000_000L;
                while (run.endedWallNanos() == 0 || wallNanos() < run.endedWallNanos() + 1_000_000_000L) {
                    Thread.sleep(10);
                    if (cpuEnd == null && run.endedWallNanos() != 0) {
                        cpuEnd = Cpu.now(readerId);
                        eventsEnd = tap.hub().stats().driver().events();
                    }
                    if (System.nanoTime() < nextSample) {
                        continue;
                    }
                    nextSample += 250_000_000L;
                    CaptureHub.Stats now = tap.hub().stats();
                    long queryDropped = now.subscriptions().stream()
                            .filter(x -> x.id() == queryId)
                            .mapToLong(CaptureHub.SubscriptionStats::droppedRows)
                            .sum();
                    samples.add(new long[] {wallNanos(), now.driver().drops() - before[1], queryDropped - queryBefore});
                }
            } catch (Exception e) {
                failure = e;
            }
        }
    }

    /** The storm, run as a child from now on; its start and end on the wall clock. */
    static final class StormRun {
        private final Process process;
        private final long started;
        private volatile long ended;
        private volatile String output = "";

        StormRun(String command) throws Exception {
            started = wallNanos();
            process = new ProcessBuilder(command.trim().split("\\s+"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Thread t = new Thread(
                    () -> {
                        try {
                            String out =
                                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                            int rc = process.waitFor();
                            output = rc == 0 ? out : "exit " + rc + ": " + out;
                        } catch (Exception e) {
                            output = "failed: " + e;
                        }
                        ended = wallNanos();
                    },
                    "storm-waiter");
            t.setDaemon(true);
            t.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        }

        long startedWallNanos() {
            return started;
        }

        long endedWallNanos() {
            return ended;
        }

        String output() {
            return output;
        }

        /** The calls the storm reported ("OP N calls in ..."). */
        long calls() {
            String[] w = output.split("\\s+");
            if (w.length < 3 || !w[2].equals("calls")) {
                throw new IllegalStateException("the storm did not report its calls: " + output);
            }
            return Long.parseLong(w[1]);
        }
    }

    /**
     * Sees when the live capture's watermark passes each second: a subscription that keeps no row, polled every
     * millisecond (its watermark is the capture thread's latest, as a query's cursor sees it once it has read
     * the batches before). The connection's capture is reached through the driver's shared engine.
     */
    static final class WatermarkTap implements AutoCloseable {
        private final CaptureHub hub;
        private final Subscription subscription;
        private final Map<Long, Long> passed = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        private WatermarkTap(CaptureHub hub, Subscription s) {
            this.hub = hub;
            subscription = s;
            thread = new Thread(this::poll, "watermark-tap");
            thread.setDaemon(true);
            thread.start();
        }

        static WatermarkTap open() throws Exception {
            java.lang.reflect.Field f = Class.forName("sysql.jdbc.LiveEngines").getDeclaredField("engine");
            f.setAccessible(true);
            CaptureHub hub = ((LiveEngine) f.get(null)).hub();
            return new WatermarkTap(
                    hub,
                    hub.subscribe(new ScanRequest(List.of(), ctx -> false, KernelFilter.syscalls(new BitSet()), 1)));
        }

        long id() {
            return subscription.id();
        }

        /** The connection's live capture. */
        CaptureHub hub() {
            return hub;
        }

        private void poll() {
            long next = Long.MIN_VALUE; // the next second boundary (ms) to see passed
            try {
                while (running) {
                    subscription.next(1);
                    long w = subscription.watermark();
                    if (w <= 0 || w == Long.MAX_VALUE) {
                        continue;
                    }
                    long ms = Math.floorDiv(w, 1_000_000L);
                    if (next == Long.MIN_VALUE) {
                        next = (Math.floorDiv(ms, 1000) + 1) * 1000;
                        continue;
                    }
                    long now = wallNanos();
                    for (; next <= ms; next += 1000) {
                        passed.put(next, now);
                    }
                }
            } catch (Exception e) {
                System.err.println("stream-bench: the watermark tap failed: " + e);
            }
        }

        /** Wall time (ns) the watermark reached {@code endMillis}, or null if the tap did not see it. */
        Long passed(long endMillis) {
            return passed.get(endMillis);
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            subscription.close();
        }
    }

    /** CPU time so far: the process, the capture thread, this (the query's reading) thread; GCs. */
    record Cpu(long wallNanos, long process, long capture, long query, JvmMemory.Gc gc) {
        static Cpu now(long queryThread) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long capture = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("sysql-capture")) {
                    capture = threads.getThreadCpuTime(t.getId());
                }
            }
            long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new Cpu(
                    System.nanoTime(),
                    process,
                    capture,
                    threads.getThreadCpuTime(queryThread),
                    JvmMemory.Gc.sinceStart());
        }
    }

    /** The heap's used and committed size, every 50 ms: their maxima. */
    static final class HeapSampler extends Thread {
        volatile long maxUsed;
        volatile long maxCommitted;
        private volatile boolean running = true;

        HeapSampler() {
            super("heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                java.lang.management.MemoryUsage u =
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                maxUsed = Math.max(maxUsed, u.getUsed());
                maxCommitted = Math.max(maxCommitted, u.getCommitted());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopSampling() throws InterruptedException {
            running = false;
            join(1000);
        }
    }

    /** p50, p99 (nearest rank), max and mean of a few values. */
    record Stats(int n, double p50, double p99, double max, double mean, double min) {
        static Stats of(List<Double> values) {
            List<Double> v = new ArrayList<>(values);
            v.removeIf(d -> d.isNaN());
            if (v.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            v.sort(null);
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            return new Stats(v.size(), rank(v, 0.50), rank(v, 0.99), v.get(v.size() - 1), mean, v.get(0));
        }

        private static double rank(List<Double> sorted, double p) {
            return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return String.format("n=%d p50=%.1f p99=%.1f max=%.1f mean=%.1f min=%.1f", n, p50, p99, max, mean, min);
        }
    }
}

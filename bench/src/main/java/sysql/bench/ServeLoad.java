// SPDX-License-Identifier: Apache-2.0
package sysql.bench;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load on a {@code sysql serve}: {@code clients} threads, each with its own connection, run short queries one
 * after the other (round robin over {@link #SHORT_QUERIES}, each client starting at its own), timing each from
 * {@code executeQuery} to the last row; {@code streams} threads each read a {@code SELECT STREAM} for the whole
 * run. Every error counts; the first few are kept word for word.
 */
final class ServeLoad {
    /** What a dashboard or a BI tool browsing the host asks: the state tables, the catalogs, the history. */
    static final List<String> SHORT_QUERIES = List.of(
            "SELECT proc.name, COUNT(*) AS n FROM processes GROUP BY proc.name ORDER BY n DESC LIMIT 5",
            "SELECT COUNT(*) FROM fds WHERE fd.type = 'ipv4'",
            "SELECT name, category, params FROM event_types WHERE name = 'openat'",
            "SELECT name, type FROM fields WHERE class = 'proc'",
            "SELECT subscriptions, history_events, drops FROM capture_stats WHERE cpu IS NULL",
            "SELECT evt.type, COUNT(*) FROM events WHERE evt.type = 'openat' AND evt.dir = '<' "
                    + "AND proc.name = 'sysql-storm' GROUP BY evt.type");

    /** A per-second count of the host's syscalls by process: one row per busy process every second. */
    static final String STREAM_QUERY = "SELECT STREAM TUMBLE_END(evt.time, INTERVAL '1' SECOND) AS window_end, "
            + "proc.name, COUNT(*) AS calls FROM events GROUP BY TUMBLE(evt.time, INTERVAL '1' SECOND), proc.name";

    record Options(String url, int clients, int streams, long millis, List<String> queries, String streamQuery) {}

    /** The run's outcome; latencies in nanoseconds, sorted, of all queries and of each short query. */
    record Report(
            long queries,
            long errors,
            List<String> firstErrors,
            long[] latencies,
            long[][] perQuery,
            long streamRows,
            int streamsWithRows,
            double seconds) {
        double queriesPerSecond() {
            return queries / seconds;
        }

        /** The {@code p}-th percentile (0..100) of sorted latencies, in milliseconds. */
        static double percentileMillis(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1e6;
        }
    }

    private ServeLoad() {}

    static Report run(Options o) throws InterruptedException {
        AtomicLong errors = new AtomicLong();
        List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
        int kinds = o.queries().size();
        List<LongArrayList[]> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong streamRows = new AtomicLong();
        AtomicLong streamsWithRows = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(o.clients() + o.streams());
        long[] deadline = new long[1];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Statement> streamStatements = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < o.clients(); c++) {
            int first = c;
            threads.add(new Thread(
                    () -> {
                        LongArrayList[] mine = new LongArrayList[kinds];
                        for (int k = 0; k < kinds; k++) {
                            mine[k] = new LongArrayList(1024);
                        }
                        latencies.add(mine);
                        try (Connection conn = DriverManager.getConnection(o.url())) {
                            ready.countDown();
                            go.await();
                            for (int q = first; System.nanoTime() < deadline[0]; q++) {
                                int kind = q % kinds;
                                String sql = o.queries().get(kind);
                                long t0 = System.nanoTime();
                                try (Statement st = conn.createStatement();
                                        ResultSet rs = st.executeQuery(sql)) {
                                    while (rs.next()) {
                                        rs.getObject(1);
                                    }
                                    mine[kind].add(System.nanoTime() - t0);
                                } catch (SQLException | RuntimeException e) {
                                    error(errors, firstErrors, sql, e);
                                }
                            }
                        } catch (SQLException | RuntimeException e) {
                            ready.countDown();
                            error(errors, firstErrors, "connect", e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "client-" + c));
        }
        for (int s = 0; s < o.streams(); s++) {
            threads.add(new Thread(
                    () -> {
                        long rows = 0;
                        try (Connection conn = DriverManager.getConnection(o.url());
                                Statement st = conn.createStatement()) {
                            streamStatements.add(st);
                            ready.countDown();
                            go.await();
                            try (ResultSet rs = st.executeQuery(o.streamQuery())) {
                                while (System.nanoTime() < deadline[0] && rs.next()) {
                                    rs.getObject(1);
                                    rows++;
                                }
                            }
                        } catch (SQLException | RuntimeException e) {
                            if (System.nanoTime() < deadline[0] || !isCancellation(e)) {
                                error(errors, firstErrors, "stream", e);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            streamRows.addAndGet(rows);
                            if (rows > 0) {
                                streamsWithRows.incrementAndGet();
                            }
                        }
                    },
                    "stream-" + s));
        }
        threads.forEach(Thread::start);
        ready.await();
        long start = System.nanoTime();
        deadline[0] = start + o.millis() * 1_000_000;
        go.countDown();
        Thread.sleep(o.millis());
        // a stream waits for its next row: cancel it (Avatica's driver stops at the next row, within a window)
        for (Statement st : List.copyOf(streamStatements)) {
            try {
                st.cancel();
            } catch (SQLException | RuntimeException e) {
                // it ends with its connection
            }
        }
        for (Thread t : threads) {
            t.join(30_000);
            if (t.isAlive()) {
                error(errors, firstErrors, t.getName(), new IllegalStateException("did not stop within 30 s"));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LongArrayList all = new LongArrayList();
        long[][] perQuery = new long[kinds][];
        synchronized (latencies) {
            for (int k = 0; k < kinds; k++) {
                LongArrayList one = new LongArrayList();
                for (LongArrayList[] client : latencies) {
                    one.addAll(client[k]);
                }
                perQuery[k] = one.toLongArray();
                java.util.Arrays.sort(perQuery[k]);
                all.addAll(one);
            }
        }
        long[] sorted = all.toLongArray();
        java.util.Arrays.sort(sorted);
        return new Report(
                sorted.length,
                errors.get(),
                List.copyOf(firstErrors),
                sorted,
                perQuery,
                streamRows.get(),
                (int) streamsWithRows.get(),
                seconds);
    }

    private static void error(AtomicLong errors, List<String> firstErrors, String what, Throwable e) {
        errors.incrementAndGet();
        if (firstErrors.size() < 5) {
            firstErrors.add(what + ": " + e);
        }
    }

    /** The end of a stream we cancelled ourselves. */
    static boolean isCancellation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("cancel") || m.contains("closed")) {
                return true;
            }
        }
        return false;
    }
}

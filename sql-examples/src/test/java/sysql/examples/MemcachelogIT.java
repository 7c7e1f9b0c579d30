// SPDX-License-Identifier: Apache-2.0
package sysql.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.calcite.sql.SqlScript;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * {@code memcachelog.sql} over a real memcached: the test starts its own (Debian's {@code memcached}, on a free
 * loopback port, killed at the end; a memcached already running on the host is left alone), talks to it over
 * two connections with the text protocol, and checks the file's statements, split as {@code sysql query -f}
 * splits them, through {@code jdbc:sysql:} (snaplen 4096, as the chisel). The log must list exactly the get and
 * set requests sent, in order, each with the time memcached read it, its method, size and key; the stream must
 * count them per method and key in the 1-second windows the history puts them in. The expectations come from
 * the requests themselves and from memcached's raw reads in the history (found by pid, not by the SQL under
 * test). Needs root (BPF) and memcached ({@code scripts/install-deps.sh}).
 */
@RequiresBpf
class MemcachelogIT {
    static final Path SQL = Path.of("memcachelog.sql");
    static final String URL = "jdbc:sysql:snaplen=4096";
    static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    @BeforeAll
    static void needsMemcached() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("memcached", "-V").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(
                    "memcached is not installed: run scripts/install-deps.sh (" + e.getMessage() + ")");
        }
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "memcached -V: " + version + " (run scripts/install-deps.sh)");
        System.out.println("memcachelog: " + version);
    }

    /** The file's statements: the log (over the history), then the stream. */
    static List<String> statements() throws IOException {
        List<String> s = SqlScript.statements(Files.readString(SQL));
        assertEquals(2, s.size(), "memcachelog.sql holds the log and the stream");
        assertFalse(SqlScript.isStream(s.get(0)), "the first statement reads the history");
        assertTrue(
                SqlScript.isStream(s.get(1)), "the second statement is a SELECT STREAM (sysql query prints it live)");
        return s;
    }

    // ---- memcached and its clients

    /** A memcached of the test's own on a free loopback port; close (or the JVM's exit) kills it. */
    static final class Memcached implements AutoCloseable {
        final Process process;
        final int port;
        private final Thread killer;

        Memcached() throws Exception {
            Process started = null;
            int chosen = -1;
            for (int attempt = 0; attempt < 5 && started == null; attempt++) {
                int p;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    p = s.getLocalPort();
                }
                Process proc = new ProcessBuilder(
                                "memcached",
                                "-u",
                                "nobody",
                                "-l",
                                "127.0.0.1",
                                "-p",
                                String.valueOf(p),
                                "-U",
                                "0",
                                "-t",
                                "2",
                                "-c",
                                "64")
                        .redirectErrorStream(true)
                        .redirectOutput(new File("target/memcached-" + p + ".log"))
                        .start();
                if (listening(proc, p)) {
                    started = proc;
                    chosen = p;
                } else {
                    proc.destroyForcibly().waitFor();
                }
            }
            assertTrue(started != null, "memcached did not start (see target/memcached-*.log)");
            process = started;
            port = chosen;
            Process toKill = started;
            killer = new Thread(toKill::destroyForcibly, "kill-memcached");
            Runtime.getRuntime().addShutdownHook(killer);
        }

        private static boolean listening(Process proc, int port) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && proc.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                    return true;
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            return false;
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook kills it anyway
            }
        }
    }

    /** One request the client sent: its bytes, and the row the log must show for it (null: none). */
    record Request(byte[] bytes, String method, long size, String key) {
        /** The request as sysql's buffer text shows it: non-printable bytes as dots, cut at 80 characters. */
        String text() {
            StringBuilder sb = new StringBuilder();
            for (byte b : bytes) {
                sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            return sb.length() > 80 ? sb.substring(0, 77) + "..." : sb.toString();
        }

        /** True when memcached's read of {@code data} starts with this request (it may hold a following one). */
        boolean readIn(String data) {
            String t = text();
            return data.startsWith(t.length() == 80 ? t.substring(0, 77) : t);
        }

        boolean logged() {
            return method != null;
        }
    }

    /** A text-protocol connection to memcached; every request goes out in one write, and is remembered. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final List<Request> sent;

        Client(int port, List<Request> sent) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            this.sent = sent;
        }

        /**
         * Sends {@code request} (CRLF added), logged as (method, size, key) when method is not null, and returns
         * the reply, read until it ends with {@code replyEnd} (null: the request has no reply).
         */
        String send(String request, String method, long size, String key, String replyEnd) throws IOException {
            byte[] bytes = (request + "\r\n").getBytes(StandardCharsets.US_ASCII);
            sent.add(new Request(bytes, method, size, key));
            out.write(bytes);
            out.flush();
            if (replyEnd == null) {
                return null;
            }
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!reply.toString(StandardCharsets.US_ASCII).endsWith(replyEnd)) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("memcached closed the connection; reply so far: " + reply);
                }
                reply.write(buf, 0, n);
            }
            return reply.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String tag() {
        return "it" + ThreadLocalRandom.current().nextInt(1000, 10000) + ".";
    }

    // ---- the history as the expectations' source

    /** memcached's reads of data, oldest first: {evt.datetime, evt.rawtime, evt.arg[1]}. */
    static List<String[]> reads(Connection c, long pid) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT evt.datetime, evt.rawtime, evt.arg[1] FROM events "
                + "WHERE proc.pid = ? AND evt.type = 'read' AND evt.dir = '<' AND evt.rawres > 0 ORDER BY evt.num")) {
            ps.setLong(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    /**
     * Waits until the history holds memcached's read of every request of {@code sent} that the log shows, and
     * returns, for each of those in order, that read ({evt.datetime, evt.rawtime, evt.arg[1]}). Requests go out
     * one at a time, each after the reply to the one before, so memcached reads them in the order they were
     * sent (a request without a reply may share its read with the next one).
     */
    static List<String[]> awaitReads(Connection c, long pid, List<Request> sent) throws Exception {
        List<Request> logged = sent.stream().filter(Request::logged).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String[]> matched = new ArrayList<>();
        List<String[]> reads = List.of();
        while (System.nanoTime() < deadline) {
            reads = reads(c, pid);
            matched.clear();
            for (String[] r : reads) {
                if (matched.size() < logged.size() && logged.get(matched.size()).readIn(r[2])) {
                    matched.add(r);
                }
            }
            if (matched.size() == logged.size()) {
                return matched;
            }
            Thread.sleep(200);
        }
        List<String> seen = reads.stream().map(r -> r[2]).toList();
        fail("the history shows " + matched.size() + " of the " + logged.size() + " get/set requests read by "
                + "memcached (" + drops(c) + " events dropped); its reads: " + seen);
        return null;
    }

    static String drops(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT drops FROM capture_stats WHERE cpu IS NULL")) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }

    /** True when a memcached other than the test's runs on the host (its requests may show in the results too). */
    static boolean anotherMemcached(Connection c, long pid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM processes WHERE proc.name IN "
                + "('memcached', 'mc-worker') AND proc.pid <> ?")) {
            ps.setLong(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Which names memcached's reading threads have in the history (what the SQL's proc.name list must cover). */
    static List<String> readerNames(Connection c, long pid) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT proc.name FROM events WHERE proc.pid = ? "
                + "AND evt.type = 'read' AND evt.dir = '<' AND evt.rawres > 0")) {
            ps.setLong(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    // ---- the log

    /**
     * memcached started before the capture (its workers come from /proc as mc-worker); a known sequence of get,
     * gets, set and other commands over two connections; the log lists exactly the get/set requests.
     */
    @Test
    void theLogListsEveryGetAndSetWithItsTimeMethodSizeAndKey() throws Exception {
        String sql = statements().get(0);
        String k = tag();
        String big = "x".repeat(200);
        List<Request> sent = new ArrayList<>();
        try (Memcached mc = new Memcached();
                Connection c = DriverManager.getConnection(URL)) {
            try (Client a = new Client(mc.port, sent);
                    Client b = new Client(mc.port, sent)) {
                assertEquals("STORED\r\n", a.send("set " + k + "alpha 0 0 5\r\nhello", "set", 5, k + "alpha", "\r\n"));
                assertEquals(
                        "VALUE " + k + "alpha 0 5\r\nhello\r\nEND\r\n",
                        a.send("get " + k + "alpha", "get", 5, k + "alpha", "END\r\n"));
                assertEquals("END\r\n", a.send("get " + k + "missing", "get", 0, k + "missing", "END\r\n"));
                // 220 bytes: the buffer text is cut at 80 characters, the size is the set's bytes word
                assertEquals("STORED\r\n", b.send("set " + k + "big 7 0 200\r\n" + big, "set", 200, k + "big", "\r\n"));
                assertTrue(b.send("get " + k + "big", "get", 200, k + "big", "END\r\n")
                        .startsWith("VALUE " + k + "big 7 200\r\nxxx"));
                // gets: the reply has a CAS word after the bytes
                assertTrue(a.send("gets " + k + "alpha", "gets", 5, k + "alpha", "END\r\n")
                        .matches("VALUE " + k.replace(".", "\\.") + "alpha 0 5 [0-9]+\r\nhello\r\nEND\r\n"));
                // several keys: the first one is the request's key, and its VALUE the size
                assertTrue(b.send("get " + k + "alpha " + k + "big", "get", 5, k + "alpha", "END\r\n")
                        .startsWith("VALUE " + k + "alpha 0 5\r\nhello\r\nVALUE " + k + "big 7 200\r\n"));
                // the first key missed: the reply's VALUE is another key's, the size 0
                assertTrue(b.send("get " + k + "missing " + k + "alpha", "get", 0, k + "missing", "END\r\n")
                        .startsWith("VALUE " + k + "alpha 0 5\r\n"));
                // gat (get and touch) does not start with get or set: not in the log, as in the chisel
                assertTrue(
                        a.send("gat 0 " + k + "big", null, 0, null, "END\r\n").startsWith("VALUE " + k + "big 7 200"));
                // noreply: the next request (mn, memcached's no-op) may come in the same read
                assertEquals(null, a.send("set " + k + "quiet 0 0 3 noreply\r\nabc", "set", 3, k + "quiet", null));
                assertEquals("MN\r\n", a.send("mn", null, 0, null, "\r\n"));
                assertEquals("DELETED\r\n", b.send("delete " + k + "alpha", null, 0, null, "\r\n"));
                assertEquals("END\r\n", b.send("get " + k + "alpha", "get", 0, k + "alpha", "END\r\n"));
                assertTrue(a.send("version", null, 0, null, "\r\n").startsWith("VERSION "));
                // flags and exptime are not the size; a value with a space in it
                assertEquals(
                        "STORED\r\n",
                        a.send("set " + k + "ttl 42 3600 11\r\nhello world", "set", 11, k + "ttl", "\r\n"));
                assertEquals(
                        "VALUE " + k + "ttl 42 11\r\nhello world\r\nEND\r\n",
                        b.send("get " + k + "ttl", "get", 11, k + "ttl", "END\r\n"));
            }
            List<String[]> reads = awaitReads(c, mc.pid(), sent);
            List<Request> logged = sent.stream().filter(Request::logged).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < logged.size(); i++) {
                Request r = logged.get(i);
                expected.add(reads.get(i)[0] + " | " + r.method() + " | " + r.size() + " | " + r.key());
            }
            assertEquals(12, expected.size());

            List<String> ours = new ArrayList<>();
            List<String> others = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                assertEquals(List.of("evt.datetime", "method", "size", "key"), labels(rs));
                while (rs.next()) {
                    String row =
                            rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getLong(3) + " | " + rs.getString(4);
                    (rs.getString(4) != null && rs.getString(4).startsWith(k) ? ours : others).add(row);
                }
            }
            System.out.println(
                    "memcachelog: memcached's readers were named " + readerNames(c, mc.pid()) + "; the log:");
            ours.forEach(r -> System.out.println("  " + r));
            assertEquals(expected, ours, "the log of the test's requests (evt.datetime | method | size | key)");
            if (!anotherMemcached(c, mc.pid())) {
                assertEquals(List.of(), others, "rows for requests the test did not send");
            }
        }
    }

    static List<String> labels(ResultSet rs) throws SQLException {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            l.add(rs.getMetaData().getColumnLabel(i));
        }
        return l;
    }

    // ---- the stream

    record Count(long windowEnd, String method, String key) implements Comparable<Count> {
        @Override
        public int compareTo(Count o) {
            int c = Long.compare(windowEnd, o.windowEnd);
            c = c != 0 ? c : method.compareTo(o.method);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /**
     * The stream subscribes first, then memcached starts (its workers are created under the capture, so they
     * keep the name memcached): repeated requests over three seconds; every window's count per method and key
     * must be what the history shows, and the totals what was sent.
     */
    @Test
    void theStreamCountsRequestsPerMethodAndKeyEverySecond() throws Exception {
        String sql = statements().get(1);
        String k = tag();
        try (Connection c = DriverManager.getConnection(URL);
                Statement st = c.createStatement()) {
            List<Object[]> rows = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(
                    () -> {
                        try (ResultSet rs = st.executeQuery(sql)) {
                            assertEquals(List.of("window_end", "method", "key", "requests"), labels(rs));
                            while (rs.next()) {
                                rows.add(new Object[] {
                                    rs.getTimestamp(1, UTC).getTime(), rs.getString(2), rs.getString(3), rs.getLong(4)
                                });
                            }
                        } catch (SQLException e) {
                            if (!String.valueOf(e.getMessage()).contains("Statement canceled")) {
                                failure.set(e);
                            }
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    },
                    "memcachelog-stream");
            reader.start();
            awaitSubscription(c, failure);
            List<Request> sent = new ArrayList<>();
            try (Memcached mc = new Memcached()) {
                try (Client a = new Client(mc.port, sent);
                        Client b = new Client(mc.port, sent)) {
                    for (int round = 0; round < 3; round++) {
                        a.send("set " + k + "a 0 0 1\r\n" + round, "set", 1, k + "a", "\r\n");
                        for (int i = 0; i < 3; i++) {
                            a.send("get " + k + "a", "get", 1, k + "a", "END\r\n");
                        }
                        b.send("get " + k + "missing", "get", 0, k + "missing", "END\r\n");
                        b.send("set " + k + "b 0 0 2\r\nbb", "set", 2, k + "b", "\r\n");
                        b.send("set " + k + "b 0 0 2\r\nbb", "set", 2, k + "b", "\r\n");
                        a.send("gets " + k + "b", "gets", 2, k + "b", "END\r\n");
                        b.send("delete " + k + "b", null, 0, null, "\r\n");
                        Thread.sleep(700); // pacing: the rounds spread over windows (not a wait for anything)
                    }
                }
                // What the history says, per window: memcached's read of each request, by its time.
                List<String[]> reads = awaitReads(c, mc.pid(), sent);
                List<Request> logged = sent.stream().filter(Request::logged).toList();
                Map<Count, Long> expected = new TreeMap<>();
                Map<String, Long> totals = new TreeMap<>();
                for (int i = 0; i < logged.size(); i++) {
                    Request r = logged.get(i);
                    long end = (Long.parseLong(reads.get(i)[1]) / 1_000_000_000L + 1) * 1000;
                    expected.merge(new Count(end, r.method(), r.key()), 1L, Long::sum);
                    totals.merge(r.method() + " " + r.key(), 1L, Long::sum);
                }
                long lastWindowEnd = expected.keySet().stream()
                        .mapToLong(Count::windowEnd)
                        .max()
                        .orElseThrow();
                assertEquals(
                        Map.of(
                                "set " + k + "a",
                                3L,
                                "get " + k + "a",
                                9L,
                                "get " + k + "missing",
                                3L,
                                "set " + k + "b",
                                6L,
                                "gets " + k + "b",
                                3L),
                        totals);
                // The last window closes once the watermark passes its end, also on a quiet host; its rows come
                // one by one, so wait until every (window, method, key) the history expects has been read (the
                // counts are compared below).
                Await.until(
                        () -> failure.get() != null
                                || rows.stream()
                                        .filter(row -> row[2] instanceof String key && key.startsWith(k))
                                        .map(row -> new Count((long) row[0], (String) row[1], (String) row[2]))
                                        .collect(java.util.stream.Collectors.toSet())
                                        .containsAll(expected.keySet()),
                        java.time.Duration.ofSeconds(30),
                        "the windows up to the one ending " + lastWindowEnd + " never closed with every request");
                st.cancel();
                reader.join(5000);
                if (failure.get() != null) {
                    throw new AssertionError("the stream failed", failure.get());
                }
                Map<Count, Long> emitted = new TreeMap<>();
                for (Object[] row : rows) {
                    String key = (String) row[2];
                    if (key != null && key.startsWith(k)) {
                        assertEquals(
                                null,
                                emitted.put(new Count((long) row[0], (String) row[1], key), (Long) row[3]),
                                "a window's count for " + row[1] + " " + key + " twice");
                    }
                }
                assertEquals(expected, emitted, "per window (its end in ms), method and key: the requests");
                System.out.println("memcachelog: the stream's counts of the test's requests: " + emitted);
            }
        }
    }

    /** Waits until the live capture serves the stream (or the stream failed). */
    static void awaitSubscription(Connection c, AtomicReference<Throwable> failure) throws Exception {
        Await.until(
                () -> {
                    if (failure.get() != null) {
                        throw new AssertionError("the stream failed", failure.get());
                    }
                    try (Statement s = c.createStatement();
                            ResultSet rs =
                                    s.executeQuery("SELECT subscriptions FROM capture_stats WHERE cpu IS NULL")) {
                        return rs.next() && rs.getLong(1) == 1;
                    }
                },
                java.time.Duration.ofSeconds(30),
                "the stream never subscribed");
    }
}

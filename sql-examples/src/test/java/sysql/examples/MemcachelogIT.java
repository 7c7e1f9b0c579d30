// SPDX-License-Identifier: Apache-2.0
package sysql.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sysql.calcite.chisel.Chisel;
import sysql.testing.Await;
import sysql.testing.RequiresBpf;

/**
 * The chisel {@code chisels/memcachelog.sql} over a real memcached: the test starts its own (Debian's {@code
 * memcached}, on a free loopback port, killed at the end; a memcached already running on the host is left alone),
 * talks to it over two connections with the text protocol, and runs the chisel's statements with its arguments
 * (method {@code any}, size 0, that port) through {@code jdbc:sysql:} (snaplen 4096, as the chisel). The chisel
 * reads every I/O on the port whose data starts with get or set, as sysdig's memcachelog does, with the chisel's
 * method (first word), size (fifth word when a number, else 0) and key (second word, a get's CRLF kept as '..').
 * A local client's writes would show too; the test's clients are this JVM's, which sysql never captures, so each
 * request shows once, as memcached's read. The expected rows come from the requests themselves, at the times of
 * memcached's reads in the history (found by pid, not by the SQL under test). Needs root (BPF) and memcached ({@code scripts/install-deps.sh}).
 */
@RequiresBpf
class MemcachelogIT {
    static final Path CHISEL = Path.of("chisels/memcachelog.sql");
    static final String URL = "jdbc:sysql:snaplen=4096";

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

    /** The chisel, as the library reads it. */
    static Chisel chisel() throws IOException {
        Chisel c = Chisel.parse("memcachelog", Files.readString(CHISEL));
        assertTrue(c.hasStream(), "memcachelog.sql has a live form (its SELECT STREAM)");
        return c;
    }

    /** The chisel's arguments: every get and set, no minimum size, on this port. */
    static List<String> args(int port) {
        return List.of("any", "0", String.valueOf(port));
    }

    // ---- memcached and its clients

    /** A loopback port no one listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A memcached of the test's own on a free loopback port; close (or the JVM's exit) kills it. */
    static final class Memcached implements AutoCloseable {
        final Process process;
        final int port;
        private final Thread killer;

        /** On a free port (a few tries: another process may take the port between the look and the start). */
        Memcached() throws Exception {
            this(0);
        }

        /** On this port (0: a free one). */
        Memcached(int fixedPort) throws Exception {
            Process started = null;
            int chosen = -1;
            for (int attempt = 0; attempt < (fixedPort == 0 ? 5 : 1) && started == null; attempt++) {
                int p = fixedPort == 0 ? freePort() : fixedPort;
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

    /** One request the client sent: its bytes, and the row the chisel shows for it (method null: none). */
    record Request(byte[] bytes, String method, long size, String key) {
        /** The request as sysql's buffer text shows it: non-printable bytes as dots, cut at 80 characters. */
        String text() {
            StringBuilder sb = new StringBuilder();
            for (byte b : bytes) {
                sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            return sb.length() > 80 ? sb.substring(0, 77) + "..." : sb.toString();
        }

        /** True when the data of an I/O starts with this request (a read may hold a following one too). */
        boolean in(String data) {
            String t = text();
            return data != null && data.startsWith(t.length() == 80 ? t.substring(0, 77) : t);
        }

        boolean logged() {
            return method != null;
        }

        /** The row's words as the chisel prints them (after its time). */
        String row() {
            return "method=" + method + " | size=" + size + "B | key=" + key;
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

    /** One I/O that moved data: {evt.num, evt.datetime, evt.arg[1]}. */
    record Io(long num, String datetime, String data) {}

    /** The I/O of a process in one direction (read or write) that moved data, oldest first. */
    static List<Io> io(Connection c, long pid, String dir) throws SQLException {
        List<Io> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT evt.num, evt.datetime, evt.arg[1] FROM events "
                + "WHERE proc.pid = ? AND evt.is_io AND evt.io_dir = ? AND evt.dir = '<' AND evt.rawres > 0 "
                + "ORDER BY evt.num")) {
            ps.setLong(1, pid);
            ps.setString(2, dir);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Io(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    /** For each request, in order, the first I/O of {@code all} after the previous match that starts with it. */
    static List<Io> match(List<Io> all, List<Request> requests) {
        List<Io> matched = new ArrayList<>();
        for (Io r : all) {
            if (matched.size() < requests.size() && requests.get(matched.size()).in(r.data())) {
                matched.add(r);
            }
        }
        return matched;
    }

    /**
     * Waits until the history holds memcached's read of every request the chisel logs, and returns the rows they
     * make ("evt.datetime | method=.. | size=..B | key=.."), in order. The client's writes, the other half of
     * the chisel's rows on a host where client and memcached both run, are not in the history: the clients are
     * this JVM's, and sysql never captures its own process. Requests go out one at a time, each after the reply
     * to the one before, so memcached reads them in the order they were sent (a request without a reply may
     * share its read with the next one, which then is no get or set).
     */
    static List<String> expectedRows(Connection c, long memcachedPid, List<Request> sent) throws Exception {
        List<Request> logged = sent.stream().filter(Request::logged).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Io> reads = List.of();
        while (System.nanoTime() < deadline) {
            reads = match(io(c, memcachedPid, "read"), logged);
            if (reads.size() == logged.size()) {
                List<String> rows = new ArrayList<>();
                for (int i = 0; i < logged.size(); i++) {
                    rows.add(reads.get(i).datetime() + " | " + logged.get(i).row());
                }
                return rows;
            }
            Thread.sleep(200);
        }
        fail("the history shows memcached's read of " + reads.size() + " of the " + logged.size()
                + " get/set requests (" + drops(c) + " events dropped)");
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

    // ---- the log

    static List<String> labels(ResultSet rs) throws SQLException {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            l.add(rs.getMetaData().getColumnLabel(i));
        }
        return l;
    }

    /** A result row as "evt.datetime | method=.. | size=..B | key=..". */
    static String row(ResultSet rs) throws SQLException {
        return rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3) + " | " + rs.getString(4);
    }

    /**
     * memcached started before the capture (its workers come from /proc as mc-worker, so only the port finds
     * them); a known sequence of get, gets, set and other commands over two connections; the log lists exactly
     * the get/set requests, with the chisel's method, size and key.
     */
    @Test
    void theLogListsEveryGetAndSetAsTheChiselDoes() throws Exception {
        String k = tag();
        String big = "x".repeat(200);
        List<Request> sent = new ArrayList<>();
        try (Memcached mc = new Memcached();
                Connection c = DriverManager.getConnection(URL)) {
            String sql = chisel().historySql(args(mc.port));
            try (Client a = new Client(mc.port, sent);
                    Client b = new Client(mc.port, sent)) {
                // a set's fifth word is '5..hello': not a number, so the chisel's size is 0
                assertEquals("STORED\r\n", a.send("set " + k + "alpha 0 0 5\r\nhello", "set", 0, k + "alpha", "\r\n"));
                // a get's key is its second word, the CRLF after it included
                assertEquals(
                        "VALUE " + k + "alpha 0 5\r\nhello\r\nEND\r\n",
                        a.send("get " + k + "alpha", "get", 0, k + "alpha..", "END\r\n"));
                assertEquals("END\r\n", a.send("get " + k + "missing", "get", 0, k + "missing..", "END\r\n"));
                // 220 bytes: the buffer text is cut at 80 characters
                assertEquals("STORED\r\n", b.send("set " + k + "big 7 0 200\r\n" + big, "set", 0, k + "big", "\r\n"));
                assertTrue(b.send("get " + k + "big", "get", 0, k + "big..", "END\r\n")
                        .startsWith("VALUE " + k + "big 7 200\r\nxxx"));
                assertTrue(a.send("gets " + k + "alpha", "gets", 0, k + "alpha..", "END\r\n")
                        .matches("VALUE " + k.replace(".", "\\.") + "alpha 0 5 [0-9]+\r\nhello\r\nEND\r\n"));
                // several keys: the key is the first one
                assertTrue(b.send("get " + k + "alpha " + k + "big", "get", 0, k + "alpha", "END\r\n")
                        .startsWith("VALUE " + k + "alpha 0 5\r\nhello\r\nVALUE " + k + "big 7 200\r\n"));
                // gat (get and touch) does not start with get or set: not in the log, as in the chisel
                assertTrue(
                        a.send("gat 0 " + k + "big", null, 0, null, "END\r\n").startsWith("VALUE " + k + "big 7 200"));
                // noreply: the fifth word is the bytes, a number: the only set with a size
                assertEquals(null, a.send("set " + k + "quiet 0 0 3 noreply\r\nabc", "set", 3, k + "quiet", null));
                assertEquals("MN\r\n", a.send("mn", null, 0, null, "\r\n"));
                assertEquals("DELETED\r\n", b.send("delete " + k + "alpha", null, 0, null, "\r\n"));
                assertTrue(a.send("version", null, 0, null, "\r\n").startsWith("VERSION "));
                assertEquals(
                        "STORED\r\n",
                        a.send("set " + k + "ttl 42 3600 11\r\nhello world", "set", 0, k + "ttl", "\r\n"));
            }
            List<String> expected = expectedRows(c, mc.pid(), sent);
            assertEquals(9, expected.size());

            List<String> ours = new ArrayList<>();
            List<String> others = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                assertEquals(List.of("evt.datetime", "method", "size", "key"), labels(rs));
                while (rs.next()) {
                    String key = rs.getString(4);
                    (key != null && key.startsWith("key=" + k) ? ours : others).add(row(rs));
                }
            }
            System.out.println("memcachelog: the log:");
            ours.forEach(r -> System.out.println("  " + r));
            assertEquals(expected, ours, "the log of the test's requests (evt.datetime | method | size | key)");
            if (!anotherMemcached(c, mc.pid())) {
                assertEquals(List.of(), others, "rows for requests the test did not send");
            }
        }
    }

    // ---- the stream

    /**
     * The stream subscribes first, then memcached starts (its workers are created under the capture, so they
     * keep the name memcached): repeated requests over three seconds; the stream must print exactly the rows the
     * log prints for them afterwards.
     */
    @Test
    void theStreamPrintsTheRowsOfTheLog() throws Exception {
        String k = tag();
        int port = freePort();
        Chisel chisel = chisel();
        try (Connection c = DriverManager.getConnection(URL);
                Statement st = c.createStatement()) {
            List<String> rows = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(
                    () -> {
                        try (ResultSet rs = st.executeQuery(chisel.streamSql(args(port)))) {
                            assertEquals(List.of("evt.datetime", "method", "size", "key"), labels(rs));
                            while (rs.next()) {
                                if (rs.getString(4) != null && rs.getString(4).startsWith("key=" + k)) {
                                    rows.add(row(rs));
                                }
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
            try (Memcached mc = new Memcached(port)) {
                try (Client a = new Client(mc.port, sent);
                        Client b = new Client(mc.port, sent)) {
                    for (int round = 0; round < 3; round++) {
                        a.send("set " + k + "a 0 0 1\r\n" + round, "set", 0, k + "a", "\r\n");
                        a.send("get " + k + "a", "get", 0, k + "a..", "END\r\n");
                        b.send("get " + k + "missing", "get", 0, k + "missing..", "END\r\n");
                        b.send("set " + k + "b 0 0 2 noreply\r\nbb", "set", 2, k + "b", null);
                        b.send("mn", null, 0, null, "\r\n"); // may share the set's read: no get or set
                        a.send("gets " + k + "b", "gets", 0, k + "b..", "END\r\n");
                        b.send("delete " + k + "b", null, 0, null, "\r\n");
                        Thread.sleep(700); // pacing: the rounds spread over seconds (not a wait for anything)
                    }
                }
                List<String> expected = expectedRows(c, mc.pid(), sent);
                assertEquals(15, expected.size());
                Await.until(
                        () -> failure.get() != null || rows.size() >= expected.size(),
                        java.time.Duration.ofSeconds(30),
                        "the stream printed " + rows.size() + " of the " + expected.size() + " rows");
                st.cancel();
                reader.join(5000);
                if (failure.get() != null) {
                    throw new AssertionError("the stream failed", failure.get());
                }
                // the stream prints rows as the capture delivers them (per CPU): compare them in one order
                List<String> got = new ArrayList<>(rows);
                List<String> want = new ArrayList<>(expected);
                got.sort(Comparator.naturalOrder());
                want.sort(Comparator.naturalOrder());
                assertEquals(want, got, "the stream's rows of the test's requests");
                List<String> log = new ArrayList<>();
                try (Statement h = c.createStatement();
                        ResultSet rs = h.executeQuery(chisel.historySql(args(port)))) {
                    while (rs.next()) {
                        if (rs.getString(4) != null && rs.getString(4).startsWith("key=" + k)) {
                            log.add(row(rs));
                        }
                    }
                }
                assertEquals(expected, log, "the log's rows of the test's requests");
                System.out.println("memcachelog: the stream printed " + got.size() + " rows");
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

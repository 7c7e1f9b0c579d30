// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.Meta;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A quiet stream over the wire ({@link RemoteRows} with a result set whose rows come when a test says): a fetch
 * waits for the next row (longer than a second, as long as {@link RemoteRows#FETCH_WAIT_MILLIS}) instead of
 * answering with an empty frame that is not done, which Python's Avatica client takes for an error; the end, a
 * failure or a close ends the wait at once; a REAL is sent as its decimal value.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuietStreamTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A one-column result set whose rows are what {@code rows} hands out, in order; {@link #END} ends it. */
    static final Object END = new Object();

    static ResultSet resultSet(LinkedBlockingQueue<Object> rows, int type) {
        Object[] current = new Object[1];
        boolean[] closed = new boolean[1];
        ResultSetMetaData md = (ResultSetMetaData) Proxy.newProxyInstance(
                QuietStreamTest.class.getClassLoader(), new Class<?>[] {ResultSetMetaData.class}, (p, m, a) -> {
                    return switch (m.getName()) {
                        case "getColumnCount" -> 1;
                        case "getColumnType" -> type;
                        case "getColumnTypeName" -> type == Types.REAL ? "REAL" : "VARCHAR";
                        case "getColumnLabel" -> "c";
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
        return (ResultSet) Proxy.newProxyInstance(
                QuietStreamTest.class.getClassLoader(), new Class<?>[] {ResultSet.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getMetaData":
                            return md;
                        case "next":
                            Object row = rows.take(); // as a stream's next() blocks until an event comes
                            if (row instanceof SQLException e) {
                                throw e;
                            }
                            current[0] = row;
                            return row != END;
                        case "getObject":
                        case "getString":
                            return current[0];
                        case "getFloat":
                            return current[0] == null ? 0f : (Float) current[0];
                        case "wasNull":
                            return current[0] == null;
                        case "close":
                            closed[0] = true;
                            rows.offer(END); // a closed stream's next() returns
                            return null;
                        case "isClosed":
                            return closed[0];
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    static List<Object> values(Meta.Frame f) {
        List<Object> out = new ArrayList<>();
        for (Object row : f.rows) {
            out.add(((Object[]) row)[0]);
        }
        return out;
    }

    @Test
    void aFetchWaitsForTheNextRowOfAQuietStream() throws Exception {
        assertTrue(
                RemoteRows.FETCH_WAIT_MILLIS >= 10_000 && RemoteRows.FETCH_WAIT_MILLIS < 30_000,
                "a fetch waits long enough for a quiet stream and less than clients' HTTP timeouts");
        LinkedBlockingQueue<Object> rows = new LinkedBlockingQueue<>();
        try (RemoteRows r = new RemoteRows(resultSet(rows, Types.VARCHAR), 1000, 1 << 20)) {
            r.start(threads);
            rows.add("first");
            assertEquals(List.of("first"), values(r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS)));
            // quiet for 2.5 s (more than the second that used to give an empty frame), then a burst
            Future<Meta.Frame> fetch = threads.submit(() -> r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS));
            Thread.sleep(2500);
            assertFalse(fetch.isDone(), "the fetch answered before the stream had a row");
            rows.add("second");
            rows.add("third");
            Meta.Frame f = fetch.get(5, TimeUnit.SECONDS);
            assertFalse(f.done);
            List<Object> got = values(f);
            assertFalse(got.isEmpty(), "an empty frame that is not done");
            if (got.size() < 2) {
                got.addAll(values(r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS)));
            }
            assertEquals(List.of("second", "third"), got);
            // the end ends a waiting fetch at once
            fetch = threads.submit(() -> r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS));
            Thread.sleep(300);
            rows.add(END);
            f = fetch.get(2, TimeUnit.SECONDS);
            assertTrue(f.done);
            assertEquals(List.of(), values(f));
        }
    }

    @Test
    void aCloseEndsAWaitingFetchAtOnce() throws Exception {
        LinkedBlockingQueue<Object> rows = new LinkedBlockingQueue<>();
        RemoteRows r = new RemoteRows(resultSet(rows, Types.VARCHAR), 1000, 1 << 20);
        r.start(threads);
        Future<Meta.Frame> fetch = threads.submit(() -> r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS));
        Thread.sleep(300);
        long t0 = System.nanoTime();
        r.close(); // closeStatement, a cancel, the server stopping
        // the fetch ends at once: with an error, or (when the reader saw its result set end first) as the end
        try {
            Meta.Frame f = fetch.get(2, TimeUnit.SECONDS);
            assertTrue(f.done, "a fetch after a close that is neither an error nor the end");
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause() instanceof SQLException, String.valueOf(e.getCause()));
        }
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "the close did not end the fetch at once");
    }

    @Test
    void aFailureEndsAWaitingFetchInOneLine() throws Exception {
        LinkedBlockingQueue<Object> rows = new LinkedBlockingQueue<>();
        try (RemoteRows r = new RemoteRows(resultSet(rows, Types.VARCHAR), 1000, 1 << 20)) {
            r.start(threads);
            Future<Meta.Frame> fetch = threads.submit(() -> r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS));
            Thread.sleep(300);
            rows.add(new SQLException("the capture stopped"));
            java.util.concurrent.ExecutionException e =
                    assertThrows(java.util.concurrent.ExecutionException.class, () -> fetch.get(2, TimeUnit.SECONDS));
            assertEquals("the capture stopped", e.getCause().getMessage());
        }
    }

    @Test
    void aRealIsSentAsItsDecimalValue() throws Exception {
        LinkedBlockingQueue<Object> rows = new LinkedBlockingQueue<>();
        try (RemoteRows r = new RemoteRows(resultSet(rows, Types.REAL), 1000, 1 << 20)) {
            r.start(threads);
            rows.add(1.5f);
            rows.add(0.1f);
            rows.add(END);
            List<Object> got = new ArrayList<>();
            for (Meta.Frame f = null; f == null || !f.done; ) {
                f = r.fetch(100, RemoteRows.FETCH_WAIT_MILLIS);
                got.addAll(values(f));
            }
            // a Double: Avatica's protobuf puts a Float's bits in an integer field that other clients read as 0.0
            assertEquals(List.of(1.5, 0.1), got);
        }
    }
}

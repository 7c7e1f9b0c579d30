// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.util.DateTimeUtils;

/**
 * The rows of one remote statement's result set as Avatica frames: read on a thread of their own ({@link
 * ResultReader}) into a bounded buffer of rows that the client's fetches drain. A fetch hands over what is there,
 * or waits for the first row (up to {@link #FETCH_WAIT_MILLIS}, or until the result set ends, fails or is closed),
 * so a stream's rows cross the wire frame by frame as they happen, a quiet stream's fetch answers with its next
 * row rather than with an empty frame that is not done (which some clients take for an error), and a bounded
 * query's rows go in full frames.
 */
final class RemoteRows extends ResultReader {
    /**
     * The first frame of an execute waits this long for a row; without one the execute answers with no frame and
     * the client fetches (so a client sees the columns of a quiet stream at once).
     */
    static final long FIRST_ROW_WAIT_MILLIS = 1000;
    /**
     * A fetch waits this long for a row of a quiet stream before it answers with an empty frame that is not done
     * (the client asks again): less than the HTTP timeouts of clients (30 s and more), long enough that a stream
     * quiet for seconds still answers every fetch with rows. A close, a cancel or the server stopping ends the
     * wait at once.
     */
    static final long FETCH_WAIT_MILLIS = 25_000;
    /** The most a frame holds (by the same estimate as the buffer's), unless one row is larger. */
    static final long MAX_FRAME_BYTES = 8L << 20;
    /** Once a fetch has a row, it waits this much longer for more to fill the frame. */
    static final long FILL_WAIT_MILLIS = 50;

    private final int[] types;
    private final int maxRows;
    private final long maxBytes;
    private final Calendar calendar = DateTimeUtils.calendar();
    private final ArrayDeque<Object[]> buffer = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private long bufferedBytes;
    private long delivered;

    RemoteRows(ResultSet rs, int maxRows, long maxBytes) throws SQLException {
        super(rs);
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        ResultSetMetaData md = rs.getMetaData();
        types = new int[md.getColumnCount()];
        for (int i = 0; i < types.length; i++) {
            types[i] = md.getColumnType(i + 1);
        }
    }

    /**
     * Why the columns of {@code md} cannot cross Avatica's wire (to every client, in both serializations), in one
     * line naming the first such column and what to select instead; null when they all can. Nested values (ARRAY,
     * MULTISET, MAP, ROW) and INTERVALs have no portable wire form: Avatica's protobuf has none, its JSON writes
     * Java objects as it finds them, and clients other than Avatica's Java one cannot read either.
     */
    static String unsupported(ResultSetMetaData md) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            int type = md.getColumnType(i);
            String name = String.valueOf(md.getColumnTypeName(i)).toUpperCase(java.util.Locale.ROOT);
            String label = md.getColumnLabel(i);
            String instead;
            String kind;
            if (type == Types.ARRAY && name.endsWith("MULTISET")) {
                kind = "a MULTISET";
                instead = "CARDINALITY(" + label + "), or its elements through UNNEST";
            } else if (type == Types.ARRAY) {
                kind = "an ARRAY";
                instead = "its elements (" + label + "[1]) or CARDINALITY(" + label + ")";
            } else if (type == Types.STRUCT) {
                kind = "a ROW";
                instead = "its fields (" + label + ".name)";
            } else if ((type == Types.OTHER || type == Types.JAVA_OBJECT) && name.endsWith("MAP")) {
                kind = "a MAP";
                instead = "its values (" + label + "['key'])";
            } else if ((type == Types.OTHER || type == Types.JAVA_OBJECT) && name.startsWith("INTERVAL")) {
                kind = "an INTERVAL";
                instead = "CAST(" + label + " AS VARCHAR) or EXTRACT(SECOND FROM " + label + ")";
            } else {
                continue;
            }
            return "column " + i + " (" + label + ") is " + kind + ", which sysql serve cannot send to a client: "
                    + "select " + instead + " instead";
        }
        return null;
    }

    @Override
    protected boolean add() throws SQLException, InterruptedException {
        Object[] row = new Object[types.length];
        long size = 16;
        for (int j = 0; j < types.length; j++) {
            row[j] = value(j);
            size += row[j] instanceof String s ? 40 + 2L * s.length() : row[j] instanceof byte[] b ? 16 + b.length : 16;
        }
        lock.lock();
        try {
            while (!closed && !buffer.isEmpty() && (buffer.size() >= maxRows || bufferedBytes + size > maxBytes)) {
                roomReady.await();
            }
            if (closed) {
                return false;
            }
            buffer.add(row);
            sizes.add(size);
            bufferedBytes += size;
            rowsReady.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Avatica's wire form of column {@code j} of the current row (as Avatica's own JDBC-backed server does). */
    private Object value(int j) throws SQLException {
        int c = j + 1;
        switch (types[j]) {
            case Types.BIGINT -> {
                long v = rs.getLong(c);
                return v == 0 && rs.wasNull() ? null : v;
            }
            case Types.INTEGER -> {
                int v = rs.getInt(c);
                return v == 0 && rs.wasNull() ? null : v;
            }
            case Types.SMALLINT -> {
                short v = rs.getShort(c);
                return v == 0 && rs.wasNull() ? null : v;
            }
            case Types.TINYINT -> {
                byte v = rs.getByte(c);
                return v == 0 && rs.wasNull() ? null : v;
            }
            case Types.DOUBLE, Types.FLOAT -> {
                double v = rs.getDouble(c);
                return v == 0 && rs.wasNull() ? null : v;
            }
            case Types.REAL -> {
                // as a double (Avatica's protobuf sends a Float as its bits in an integer field, which clients
                // but Avatica's Java one read as an integer); the float's own decimal value: 0.1f is 0.1, not
                // 0.10000000149011612
                float v = rs.getFloat(c);
                return v == 0 && rs.wasNull() ? null : Double.valueOf(Float.toString(v));
            }
            case Types.DATE -> {
                Date d = rs.getDate(c, calendar);
                return d == null ? null : (int) (d.getTime() / DateTimeUtils.MILLIS_PER_DAY);
            }
            case Types.TIME -> {
                Time t = rs.getTime(c, calendar);
                return t == null ? null : (int) (t.getTime() % DateTimeUtils.MILLIS_PER_DAY);
            }
            case Types.TIMESTAMP -> {
                Timestamp t = rs.getTimestamp(c, calendar);
                return t == null ? null : t.getTime();
            }
            default -> {
                return rs.getObject(c);
            }
        }
    }

    /**
     * The next frame: up to {@code maxRows} rows (a negative count: the default frame size), waiting up to
     * {@code firstRowMillis} for the first (less when the result set ends, fails or is closed meanwhile); done
     * once the result set has ended and every row went out. Empty and not done only when the wait passed.
     */
    Meta.Frame fetch(int maxRows, long firstRowMillis) throws SQLException {
        // A long wait holds a server thread: one per result set, and LONG_WAITS in all; the others wait as the
        // first frame does.
        boolean longWait = firstRowMillis > FIRST_ROW_WAIT_MILLIS;
        if (longWait && (!waiting.compareAndSet(false, true))) {
            longWait = false;
            firstRowMillis = FIRST_ROW_WAIT_MILLIS;
        } else if (longWait && !LONG_WAITS.tryAcquire()) {
            waiting.set(false);
            longWait = false;
            firstRowMillis = FIRST_ROW_WAIT_MILLIS;
        }
        try {
            return fetchWaiting(maxRows, firstRowMillis);
        } finally {
            if (longWait) {
                LONG_WAITS.release();
                waiting.set(false);
            }
        }
    }

    /** Fetches for which a server may hold a thread up to FETCH_WAIT_MILLIS at once (the rest wait 1 s). */
    static final int MAX_LONG_WAITS = 32;

    private static final java.util.concurrent.Semaphore LONG_WAITS = new java.util.concurrent.Semaphore(MAX_LONG_WAITS);
    private final java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean();

    private Meta.Frame fetchWaiting(int maxRows, long firstRowMillis) throws SQLException {
        int limit = maxRows < 0 ? 100 : Math.max(1, maxRows);
        List<Object> rows = new ArrayList<>();
        lock.lock();
        try {
            long offset = delivered;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(firstRowMillis);
            boolean filling = false;
            long frameBytes = 0;
            // a frame also ends at MAX_FRAME_BYTES (rows of large values: a client's transport takes frames whole)
            while (rows.size() < limit
                    && (rows.isEmpty() || sizes.isEmpty() || frameBytes + sizes.peek() <= MAX_FRAME_BYTES)) {
                Object[] row = buffer.poll();
                if (row != null) {
                    long size = sizes.poll();
                    frameBytes += size;
                    bufferedBytes -= size;
                    rows.add(row);
                    roomReady.signalAll();
                    if (!filling) {
                        filling = true;
                        deadline =
                                Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FILL_WAIT_MILLIS));
                    }
                    continue;
                }
                if (done || closed) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                awaitRows(left);
            }
            delivered += rows.size();
            if (rows.isEmpty() && failure != null) {
                throw takeFailure();
            }
            if (closed && !done) {
                throw new SQLException("the statement was closed on the server");
            }
            return new Meta.Frame(offset, buffer.isEmpty() && done && failure == null, rows);
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void clear() {
        buffer.clear();
        sizes.clear();
        bufferedBytes = 0;
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerator;
import sysql.calcite.Deadline;
import sysql.calcite.QueryWarnings;
import sysql.calcite.SysqlException;
import sysql.capture.CaptureException;
import sysql.capture.engine.BatchCursor;

/**
 * What every enumerator over a {@link BatchCursor} shares: the cursor opened on the first row asked for, the
 * statement's cancel flag looked at between waits (a live stream is waited on {@link #POLL_MILLIS} at a
 * time), a read error held back until the rows before it are out, and a close that is safe from any thread.
 * JDBC lets a result set be closed (or its statement cancelled) from another thread while one thread waits for
 * the next row: then the reading thread closes the cursor itself, within one wait, as its call returns (rows are
 * Java objects by then: closing frees no memory a row still points into).
 */
abstract class CursorEnumerator implements Enumerator<Object> {
    /** Longest wait for the next batch of a live stream before the cancel flag is looked at again. */
    static final long POLL_MILLIS = 100;
    /** What {@link #poll} returns when no row is ready (a row's value may itself be null). */
    static final Object NO_ROW = new Object();

    private final AtomicBoolean cancel;
    /** The statement's time limit (null: none). */
    private final Deadline deadline;
    /** The connection whose {@link QueryWarnings} get the cursor's warning (null: none). */
    private final Object connection;

    private final ReentrantLock reading = new ReentrantLock();
    private volatile boolean closeRequested;
    private BatchCursor cursor;
    private boolean ended;
    private boolean delivered;
    private Object current;
    /** A read error held back by one row (see {@link #moveNext}); thrown by whatever is called next. */
    private SysqlException failure;

    /** An enumerator of the statement run with {@code root}: its cancel flag, its connection's warnings. */
    CursorEnumerator(DataContext root) {
        this(DataContext.Variable.CANCEL_FLAG.get(root), root.getQueryProvider(), Deadline.of(root));
    }

    CursorEnumerator(AtomicBoolean cancel, Object connection, Deadline deadline) {
        this.cancel = cancel;
        this.connection = connection;
        this.deadline = deadline;
    }

    /** Opens the cursor. */
    abstract BatchCursor open() throws CaptureException;

    /** The next row ready to go out, or {@link #NO_ROW}. */
    abstract Object poll();

    /**
     * Reads from the cursor once (waiting up to {@link #POLL_MILLIS} on a live stream), making rows ready or
     * not; false when the source has ended (rows made ready meanwhile still go out).
     */
    abstract boolean read(BatchCursor cursor) throws CaptureException;

    /** Lets go of the subclass's rows (the cursor is being closed). */
    abstract void release();

    @Override
    public Object current() {
        if (failure != null) {
            throw failure;
        }
        return current;
    }

    /**
     * The next row. When reading fails after rows were delivered, the error comes one call later: an iterator
     * that reads one row ahead (Calcite's own does; sysql's statements use one that does not) would otherwise
     * lose the last row read before the damage. So this call says there is one more row, and the {@link #current}
     * or {@code moveNext} that follows throws the error.
     */
    @Override
    public boolean moveNext() {
        reading.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            for (; ; ) {
                if (deadline != null) {
                    deadline.check(); // per row: a nested loop's inner side may never run dry
                }
                Object row = poll();
                if (row != NO_ROW) {
                    current = row;
                    delivered = true;
                    return true;
                }
                if (ended || closeRequested || (cancel != null && cancel.get())) {
                    closeCursor();
                    return false;
                }
                try {
                    if (deadline != null) {
                        deadline.check();
                    }
                    if (cursor == null) {
                        cursor = open();
                    }
                    if (!read(cursor)) {
                        ended = true;
                    }
                } catch (CaptureException | SysqlException e) {
                    closeCursor();
                    SysqlException error = e instanceof SysqlException s ? s : new SysqlException(e.getMessage(), e);
                    if (!delivered) {
                        throw error;
                    }
                    failure = error;
                    return true;
                }
            }
        } finally {
            reading.unlock();
            if (closeRequested) {
                // a close that came while this call read: the reader may never call again (a result set closed
                // from another thread refuses its next next()), so the cursor closes now, not on a next call
                close();
            }
        }
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("an event scan cannot be rewound");
    }

    /** Closes now, or, while another thread waits in {@link #moveNext}, has that thread close within one wait. */
    @Override
    public void close() {
        closeRequested = true;
        if (reading.tryLock()) {
            try {
                closeCursor();
            } finally {
                reading.unlock();
            }
        }
    }

    private void closeCursor() {
        ended = true;
        release();
        if (cursor != null) {
            QueryWarnings.add(connection, cursor.warning());
            cursor.close();
            cursor = null;
        }
    }
}

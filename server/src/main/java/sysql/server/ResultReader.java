// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One remote statement's result set, read on a thread of its own into a bounded buffer that the client's calls
 * drain: the reading, its end, failure and close, and the stop of the statement's work. What the buffer holds is
 * the subclass's: Avatica frames' rows ({@link RemoteRows}) or Arrow batches ({@link ArrowRows}). When the buffer is
 * full (the client takes slower than rows come) the reader waits, and a stream's capture subscription drops and
 * counts the rows it cannot hand over ({@code capture_subscriptions}); the server's memory stays bounded either way.
 */
public abstract class ResultReader implements AutoCloseable {
    protected final ResultSet rs;
    protected final ReentrantLock lock = new ReentrantLock();
    /** Signalled when there is something for the client to take (or the reading ended). */
    protected final Condition rowsReady = lock.newCondition();
    /** Signalled when the client took something (or the reader is closed). */
    protected final Condition roomReady = lock.newCondition();
    /** Guarded by {@link #lock}: the result set ended (or failed). */
    protected boolean done;
    /** Guarded by {@link #lock}: the client or the server let go of the rows. */
    protected boolean closed;
    /** Guarded by {@link #lock}: why the reading failed, until the client is told. */
    protected Throwable failure;

    protected ResultReader(ResultSet rs) {
        this.rs = rs;
    }

    /** Starts reading rows on {@code executor}. */
    public final void start(Executor executor) {
        executor.execute(this::read);
    }

    private void read() {
        try {
            while (rs.next()) {
                if (!add()) {
                    return;
                }
            }
        } catch (SQLException | RuntimeException e) {
            lock.lock();
            try {
                if (!closed) {
                    failure = e;
                }
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                done = true;
                rowsReady.signalAll();
            } finally {
                lock.unlock();
            }
            closeResultSet();
        }
    }

    /**
     * Adds the result set's current row to the buffer, waiting for room on {@link #roomReady}; false once the reader
     * is closed (the reading stops).
     */
    protected abstract boolean add() throws SQLException, InterruptedException;

    /** Lets go of what the buffer holds (lock held). */
    protected abstract void clear();

    /** Waits (lock held) up to {@code nanos} for {@link #rowsReady}; an interrupt is the server stopping. */
    protected final void awaitRows(long nanos) throws SQLException {
        try {
            rowsReady.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("the server is stopping", e);
        }
    }

    /** The failure to tell the client, once (lock held): null if none. */
    protected final SQLException takeFailure() {
        Throwable f = failure;
        failure = null;
        return f == null ? null : f instanceof SQLException s ? s : new SQLException(f.getMessage(), f);
    }

    /**
     * Stops the statement's work too, for a statement that is going away (closed, expired, its connection or the
     * server closing): closing a result set does not stop a join still running on the reading thread, a cancel does
     * (sysql's scans end on the statement's cancel flag). Not for a statement that runs again: Avatica never clears
     * a statement's cancel flag.
     */
    public final void cancelAndClose() {
        try {
            Statement statement = rs.getStatement();
            if (statement != null && !isDone()) {
                statement.cancel();
            }
        } catch (SQLException | RuntimeException e) {
            // closing anyway
        }
        close();
    }

    /** Whether rows are still being read (the result set has not ended, failed or been closed). */
    final boolean reading() {
        lock.lock();
        try {
            return !done && !closed;
        } finally {
            lock.unlock();
        }
    }

    private boolean isDone() {
        lock.lock();
        try {
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading and lets go of the rows (the result set closes within one of its waits). */
    @Override
    public final void close() {
        lock.lock();
        try {
            closed = true;
            clear();
            roomReady.signalAll();
            rowsReady.signalAll();
        } finally {
            lock.unlock();
        }
        closeResultSet();
    }

    private void closeResultSet() {
        try {
            rs.close();
        } catch (SQLException | RuntimeException e) {
            // closing anyway
        }
    }
}

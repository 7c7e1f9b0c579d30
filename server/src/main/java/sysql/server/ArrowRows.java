// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.util.DateTimeUtils;

/**
 * The rows of one Flight SQL statement's result set as Arrow batches: read on a thread of their own ({@link
 * ResultReader}) straight into the vectors of a batch (a typed writer per column, {@link FlightBatches#writer}: no
 * row objects, no boxing), which the client's stream takes whole ({@link #take}). A batch is cut at
 * {@link #batchRows} rows or half the statement's buffered bytes; a full batch waits for the stream while the next
 * fills, and no more: the server holds two batches of a statement at most (within its buffered rows and bytes, as
 * {@link RemoteRows}), and the reader waits when both are full. A batch that is not full goes out once its first
 * row waited {@link RemoteRows#FILL_WAIT_MILLIS}, so a stream's rows cross the wire as they happen. Taking a batch
 * moves its buffers into the stream's own batch (Arrow's transfer: no copy).
 */
public final class ArrowRows extends ResultReader {
    /** The most rows a batch holds. */
    public static final int MAX_BATCH_ROWS = 8192;

    private final VectorSchemaRoot filling;
    private final VectorSchemaRoot full;
    private final FlightBatches.ColumnWriter[] writers;
    private final int batchRows;
    private final long batchBytes;
    private final long fillWaitMillis;
    /** Guarded by the lock: the rows and about the bytes of the batch being filled, and the rows of the full one. */
    private int fillingRows;

    private long fillingBytes;
    private int fullRows;

    /**
     * Reads {@code rs}, whose columns {@code schema} types ({@link FlightBatches#schema}), into batches from {@code
     * allocator}, holding at most {@code maxRows} rows and about {@code maxBytes} bytes.
     */
    ArrowRows(ResultSet rs, Schema schema, BufferAllocator allocator, int maxRows, long maxBytes) throws SQLException {
        this(rs, schema, allocator, maxRows, maxBytes, RemoteRows.FILL_WAIT_MILLIS);
    }

    /**
     * As {@link #ArrowRows(ResultSet, Schema, BufferAllocator, int, long)}, a batch that is not full going out once
     * its first row waited {@code fillWaitMillis} ({@code sysql export}'s Kafka records: its linger).
     */
    public ArrowRows(
            ResultSet rs, Schema schema, BufferAllocator allocator, int maxRows, long maxBytes, long fillWaitMillis)
            throws SQLException {
        super(rs);
        this.fillWaitMillis = fillWaitMillis;
        if (rs.getMetaData().getColumnCount() != schema.getFields().size()) {
            throw new SQLException("the result has " + rs.getMetaData().getColumnCount() + " columns, its schema "
                    + schema.getFields().size());
        }
        this.batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, maxRows / 2));
        this.batchBytes = Math.max(1, maxBytes / 2);
        this.filling = VectorSchemaRoot.create(schema, allocator);
        this.full = VectorSchemaRoot.create(schema, allocator);
        List<FieldVector> vectors = filling.getFieldVectors();
        writers = new FlightBatches.ColumnWriter[vectors.size()];
        java.util.Calendar calendar = DateTimeUtils.calendar();
        for (int j = 0; j < writers.length; j++) {
            vectors.get(j).setInitialCapacity(batchRows);
            writers[j] = FlightBatches.writer(vectors.get(j), j + 1, calendar);
        }
    }

    private boolean fillingIsFull() {
        return fillingRows >= batchRows || fillingBytes >= batchBytes;
    }

    @Override
    protected boolean add() throws SQLException, InterruptedException {
        lock.lock();
        try {
            while (!closed && fillingIsFull() && fullRows > 0) {
                roomReady.await();
            }
            if (closed) {
                return false;
            }
            if (fillingIsFull()) {
                fullRows = takeFilling(full);
                rowsReady.signalAll();
            }
            if (fillingRows == 0) {
                filling.allocateNew();
            }
            long bytes = 0;
            for (FlightBatches.ColumnWriter w : writers) {
                bytes += w.write(rs, fillingRows);
            }
            fillingRows++;
            fillingBytes += bytes;
            if (fillingRows == 1) {
                rowsReady.signalAll(); // a waiting stream starts its fill wait
            } else if (fillingIsFull() && fullRows == 0) {
                fullRows = takeFilling(full);
                rowsReady.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Moves the batch being filled into {@code to} (lock held): its rows; the next row starts a new batch. */
    private int takeFilling(VectorSchemaRoot to) {
        int n = move(filling, fillingRows, to);
        fillingRows = 0;
        fillingBytes = 0;
        return n;
    }

    /** Moves the {@code rows} rows of {@code from} into {@code to} (their buffers: {@code from} is empty after). */
    private static int move(VectorSchemaRoot from, int rows, VectorSchemaRoot to) {
        from.setRowCount(rows);
        List<FieldVector> source = from.getFieldVectors();
        List<FieldVector> target = to.getFieldVectors();
        for (int j = 0; j < source.size(); j++) {
            source.get(j).makeTransferPair(target.get(j)).transfer();
        }
        to.setRowCount(rows);
        from.setRowCount(0);
        return rows;
    }

    /**
     * Moves the next batch into {@code into} (a root of the same schema, the stream's) and returns its rows: a full
     * batch at once, else the rows there are once the first waited the fill wait (or the result
     * set ended), waiting up to {@code firstRowMillis} for a first row; 0 when that wait passed without one, -1 once
     * the result set has ended and every row went out.
     *
     * @throws SQLException the reading's failure (after the rows before it), or the statement was closed
     */
    public int take(VectorSchemaRoot into, long firstRowMillis) throws SQLException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(firstRowMillis);
            boolean waitingToFill = false;
            while (true) {
                if (closed) {
                    throw new SQLException("the statement was closed on the server");
                }
                if (fullRows > 0) {
                    int n = move(full, fullRows, into);
                    fullRows = 0;
                    roomReady.signalAll();
                    return n;
                }
                if (fillingRows > 0) {
                    if (!waitingToFill) {
                        waitingToFill = true;
                        deadline =
                                Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(fillWaitMillis));
                    }
                    if (done || deadline - System.nanoTime() <= 0) {
                        int n = takeFilling(into);
                        roomReady.signalAll();
                        return n;
                    }
                } else if (done) {
                    SQLException f = takeFailure();
                    if (f != null) {
                        throw f;
                    }
                    return -1;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                awaitRows(left);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void clear() {
        fillingRows = 0;
        fillingBytes = 0;
        fullRows = 0;
        filling.close();
        full.close();
    }
}

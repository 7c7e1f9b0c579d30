// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.schema;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import sysql.calcite.SysqlEngine;
import sysql.calcite.SysqlException;
import sysql.capture.CaptureException;

/**
 * {@code TABLE(history_scap(from_rawtime, to_rawtime))}: the history's events from {@code from_rawtime} to
 * {@code to_rawtime} (ns since the epoch, both included) as one sysdig {@code .scap} file, in rows of
 * {@code chunk} (VARBINARY, at most {@link #CHUNK_BYTES} each, in order): concatenated, they are the file
 * ({@code sysql dump -w FILE} writes them). A last row has no chunk and {@code events}, how many events the
 * file holds. The file is written as it is read (a few chunks ahead at most), so it takes no more memory for a
 * long window; it works through any client, the daemon's local ones included.
 */
final class HistoryScapTable extends AbstractTable implements ScannableTable {
    static final int CHUNK_BYTES = 1 << 20;
    private static final int CHUNKS_AHEAD = 4;
    private static final Object[] END = new Object[0];

    private final long fromTs;
    private final long toTs;

    HistoryScapTable(long fromTs, long toTs) {
        if (fromTs > toTs) {
            throw new SysqlException("history_scap: the window starts (" + fromTs + ") after it ends (" + toTs
                    + "): give from_rawtime <= to_rawtime, in ns since the epoch");
        }
        this.fromTs = fromTs;
        this.toTs = toTs;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
        return f.builder()
                .add("chunk", f.createTypeWithNullability(f.createSqlType(SqlTypeName.VARBINARY), true))
                .add("events", f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), true))
                .build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
        SysqlEngine engine = engineOf(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return new Chunks(engine);
            }
        };
    }

    /** The engine of the connection running the query. */
    private static SysqlEngine engineOf(DataContext root) {
        org.apache.calcite.schema.SchemaPlus rootSchema = root.getRootSchema();
        org.apache.calcite.schema.SchemaPlus sysql =
                rootSchema == null ? null : rootSchema.subSchemas().get(SysqlSchema.NAME);
        try {
            SysqlSchema schema = sysql == null ? null : sysql.unwrap(SysqlSchema.class);
            if (schema != null) {
                return schema.engine();
            }
        } catch (ClassCastException e) {
            // not sysql's schema
        }
        throw new SysqlException("history_scap needs a sysql connection (schema sysql)");
    }

    /** The rows, as a writer thread makes them. */
    private final class Chunks implements Enumerator<Object[]> {
        private final BlockingQueue<Object[]> rows = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
        private final Thread writer;
        private final SysqlEngine engine;
        private Object[] current;
        private volatile boolean closed;
        private volatile RuntimeException failure;

        Chunks(SysqlEngine engine) {
            this.engine = engine;
            writer = new Thread(this::write, "sysql-history-scap");
            writer.setDaemon(true);
            writer.start();
        }

        private void write() {
            try (ChunkStream out = new ChunkStream()) {
                long events = engine.dumpHistory(fromTs, toTs, out);
                out.flushChunk();
                put(new Object[] {null, events});
            } catch (CaptureException e) {
                failure = new SysqlException(e.getMessage(), e);
            } catch (InterruptedIOException | InterruptedException e) {
                return; // the reader closed
            } catch (RuntimeException e) {
                failure = new SysqlException("history_scap: " + e.getMessage(), e);
            }
            try {
                put(END);
            } catch (InterruptedException e) {
                // the reader closed
            }
        }

        /** Hands a row to the reader; once it closed, stops the writer (the window is not read further). */
        private void put(Object[] row) throws InterruptedException {
            if (closed) {
                throw new InterruptedException("the reader of history_scap closed");
            }
            rows.put(row);
        }

        /** Bytes into chunks of {@link #CHUNK_BYTES}, each a row. */
        private final class ChunkStream extends OutputStream {
            private final byte[] buffer = new byte[CHUNK_BYTES];
            private int used;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    int n = Math.min(len, buffer.length - used);
                    System.arraycopy(b, off, buffer, used, n);
                    used += n;
                    off += n;
                    len -= n;
                    if (used == buffer.length) {
                        flushChunk();
                    }
                }
            }

            void flushChunk() throws InterruptedIOException {
                if (used == 0) {
                    return;
                }
                try {
                    put(new Object[] {Arrays.copyOf(buffer, used), null});
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("the reader of history_scap closed");
                }
                used = 0;
            }

            @Override
            public void close() {
                // the chunks left are flushed by write(), after the file's last bytes
            }
        }

        @Override
        public Object[] current() {
            return current;
        }

        @Override
        public boolean moveNext() {
            try {
                Object[] row = rows.take();
                if (row == END) {
                    rows.add(END); // later calls end too
                    if (failure != null) {
                        throw failure;
                    }
                    return false;
                }
                current = row;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("history_scap is read once");
        }

        @Override
        public void close() {
            closed = true;
            writer.interrupt();
            rows.clear();
            rows.offer(END); // a moveNext() waiting on another thread ends
        }
    }
}

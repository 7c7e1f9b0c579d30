package sysql.calcite.rel;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import sysql.calcite.SysqlEngine;
import sysql.calcite.SysqlException;
import sysql.capture.CaptureException;
import sysql.capture.columnar.EventColumns;
import sysql.capture.engine.BatchCursor;
import sysql.capture.engine.KernelFilter;
import sysql.capture.engine.ScanRequest;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;

/**
 * What an {@link EventsScan} reads, kept by the compiled plan and run when the statement executes: the engine,
 * the source, the fields, the compiled predicate and the kernel filter. Rows are read from the cursor's
 * columnar batches; a cancelled statement ends its scan within one wait slice.
 */
public final class EventsScanSpec {
    /** Longest wait for the next batch of a live stream before the cancel flag is looked at again. */
    static final long POLL_MILLIS = 100;

    private final SysqlEngine engine;
    private final EventsScan.Source source;
    private final List<Field> fields;
    private final Predicate<EventContext> predicate;
    private final KernelFilter kernelFilter;

    EventsScanSpec(SysqlEngine engine, EventsScan.Source source, List<Field> fields, Predicate<EventContext> predicate,
            KernelFilter kernelFilter) {
        this.engine = engine;
        this.source = source;
        this.fields = List.copyOf(fields);
        this.predicate = predicate == null ? c -> true : predicate;
        this.kernelFilter = kernelFilter;
    }

    /** Called by the generated code. */
    public Enumerable<Object> enumerable(DataContext root) {
        AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new RowEnumerator(cancel);
            }
        };
    }

    private final class RowEnumerator implements Enumerator<Object> {
        private final AtomicBoolean cancel;
        private final BatchRows rows = new BatchRows(fields);
        private final boolean scalar = fields.size() == 1;
        private BatchCursor cursor;
        private int row;
        private Object current;
        private boolean done;
        private boolean delivered;
        /** A read error held back by one row (see {@link #moveNext}); thrown by whatever is called next. */
        private SysqlException failure;

        RowEnumerator(AtomicBoolean cancel) {
            this.cancel = cancel;
        }

        @Override
        public Object current() {
            if (failure != null) {
                throw failure;
            }
            return current;
        }

        /**
         * The next row. When reading fails after rows were delivered, the error comes one call later: Calcite's
         * result set asks for the row after the one it hands out, and an error thrown then would take the last
         * row read before the damage with it. So this call says there is one more row, and the {@link #current}
         * or {@code moveNext} that follows throws the error.
         */
        @Override
        public boolean moveNext() {
            if (failure != null) {
                throw failure;
            }
            for (;;) {
                if (row < rows.rows()) {
                    current = build(row++);
                    delivered = true;
                    return true;
                }
                if (done || (cancel != null && cancel.get())) {
                    close();
                    return false;
                }
                try {
                    if (cursor == null) {
                        ScanRequest request = new ScanRequest(fields, predicate, kernelFilter,
                                ScanRequest.DEFAULT_ROWS_PER_BATCH);
                        cursor = source == EventsScan.Source.LIVE ? engine.stream(request) : engine.history(request);
                    }
                    EventColumns batch = cursor.next(POLL_MILLIS);
                    if (batch != null) {
                        rows.bind(batch);
                        row = 0;
                    } else if (cursor.ended()) {
                        done = true;
                    }
                } catch (CaptureException e) {
                    close();
                    SysqlException error = new SysqlException(e.getMessage(), e);
                    if (!delivered) {
                        throw error;
                    }
                    failure = error;
                    return true;
                }
            }
        }

        private Object build(int r) {
            if (scalar) {
                return rows.get(0, r);
            }
            Object[] values = new Object[fields.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rows.get(i, r);
            }
            return values;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("an event scan cannot be rewound");
        }

        @Override
        public void close() {
            done = true;
            row = rows.rows();
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }
}

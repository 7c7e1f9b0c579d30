// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.List;
import java.util.function.Predicate;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import sysql.calcite.SysqlEngine;
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
 * columnar batches (see {@link CursorEnumerator} for cancellation and closing).
 */
public final class EventsScanSpec {
    private final SysqlEngine engine;
    private final EventsScan.Source source;
    private final List<Field> fields;
    private final Predicate<EventContext> predicate;
    private final KernelFilter kernelFilter;
    private final long[] timeRange;

    EventsScanSpec(
            SysqlEngine engine,
            EventsScan.Source source,
            List<Field> fields,
            Predicate<EventContext> predicate,
            KernelFilter kernelFilter,
            long[] timeRange) {
        this.timeRange = timeRange;
        this.engine = engine;
        this.source = source;
        this.fields = List.copyOf(fields);
        this.predicate = predicate == null ? c -> true : predicate;
        this.kernelFilter = kernelFilter;
    }

    /** Opens this scan's cursor on its source. */
    BatchCursor open() throws CaptureException {
        ScanRequest request = new ScanRequest(fields, predicate, kernelFilter, ScanRequest.DEFAULT_ROWS_PER_BATCH);
        if (source == EventsScan.Source.LIVE) {
            return engine.stream(request);
        }
        // the history reads only the recorded segments in the query's time range ([MIN, MIN]: no event can match)
        boolean empty = timeRange[0] > timeRange[1];
        return engine.history(
                request.withTimeRange(empty ? Long.MIN_VALUE : timeRange[0], empty ? Long.MIN_VALUE : timeRange[1]));
    }

    List<Field> fields() {
        return fields;
    }

    /** Called by the generated code. */
    public Enumerable<Object> enumerable(DataContext root) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new RowEnumerator(root);
            }
        };
    }

    /** The scan's rows, one per event its predicate keeps. */
    private final class RowEnumerator extends CursorEnumerator {
        private final BatchRows rows = new BatchRows(fields);
        private final boolean scalar = fields.size() == 1;
        private int row;

        RowEnumerator(DataContext root) {
            super(root);
        }

        @Override
        BatchCursor open() throws CaptureException {
            return EventsScanSpec.this.open();
        }

        @Override
        Object poll() {
            if (row >= rows.rows()) {
                return NO_ROW;
            }
            int r = row++;
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
        boolean read(BatchCursor cursor) throws CaptureException {
            EventColumns batch = cursor.next(POLL_MILLIS);
            if (batch != null) {
                rows.bind(batch);
                row = 0;
                return true;
            }
            return !cursor.ended();
        }

        @Override
        void release() {
            row = rows.rows();
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.capture.engine;

import java.util.List;
import java.util.function.Predicate;
import sysql.capture.fields.EventContext;
import sysql.capture.fields.Field;

/**
 * What a consumer reads: the fields it needs as columns (and no others), the predicate that chooses rows
 * (evaluated on each event with its state, before a row is built), and the part of that predicate the kernel
 * can evaluate. {@code rowsPerBatch} bounds one columnar batch.
 *
 * <p>{@code fromTs..toTs} (event time, ns since the epoch, both included) is the time range a scan of the history
 * ({@link Recorder#replay}) keeps: it returns only rows of events in the range and does not read the recorded
 * segments that lie entirely outside it. Live and file scans ignore it (the predicate is what they apply).
 */
public record ScanRequest(
        List<Field> fields,
        Predicate<EventContext> predicate,
        KernelFilter kernelFilter,
        int rowsPerBatch,
        long fromTs,
        long toTs) {
    public static final int DEFAULT_ROWS_PER_BATCH = 4096;

    public ScanRequest {
        fields = List.copyOf(fields);
        if (rowsPerBatch <= 0) {
            throw new IllegalArgumentException("a batch holds at least one row, not " + rowsPerBatch);
        }
        if (fromTs > toTs) {
            throw new IllegalArgumentException("the time range starts after it ends (" + fromTs + " > " + toTs + ")");
        }
    }

    /** No time range: every event. */
    public ScanRequest(
            List<Field> fields, Predicate<EventContext> predicate, KernelFilter kernelFilter, int rowsPerBatch) {
        this(fields, predicate, kernelFilter, rowsPerBatch, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Every event, these fields. */
    public static ScanRequest of(List<Field> fields) {
        return new ScanRequest(fields, c -> true, KernelFilter.ALL, DEFAULT_ROWS_PER_BATCH);
    }

    /** The same request for the events in {@code fromTs..toTs} only (ns since the epoch, both included). */
    public ScanRequest withTimeRange(long fromTs, long toTs) {
        return new ScanRequest(fields, predicate, kernelFilter, rowsPerBatch, fromTs, toTs);
    }

    /** True when {@code ts} is in the time range. */
    public boolean inTimeRange(long ts) {
        return ts >= fromTs && ts <= toTs;
    }
}

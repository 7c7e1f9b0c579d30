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
 */
public record ScanRequest(
        List<Field> fields, Predicate<EventContext> predicate, KernelFilter kernelFilter, int rowsPerBatch) {
    public static final int DEFAULT_ROWS_PER_BATCH = 4096;

    public ScanRequest {
        fields = List.copyOf(fields);
        if (rowsPerBatch <= 0) {
            throw new IllegalArgumentException("a batch holds at least one row, not " + rowsPerBatch);
        }
    }

    /** Every event, these fields. */
    public static ScanRequest of(List<Field> fields) {
        return new ScanRequest(fields, c -> true, KernelFilter.ALL, DEFAULT_ROWS_PER_BATCH);
    }
}

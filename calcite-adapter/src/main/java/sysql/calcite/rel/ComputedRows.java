// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

/**
 * The window aggregate's input when some of it is computed: the scan's columns {@code 0..n-1} read from the batch
 * in place ({@link BatchRows}), then the {@link RowProgram}'s outputs as columns {@code n…}. {@link #evaluate}
 * runs the program on one row (the aggregate then reads that row); the two arrays are reused from row to row, so
 * what a row allocates is what its expressions allocate (a SUBSTRING's string, a boxed number), nothing per
 * column read in place.
 */
final class ComputedRows implements WindowAggregator.Input {
    private final BatchRows rows;
    private final int scanColumns;
    private final RowProgram program;
    private final int[] programInputs;
    private final Object[] in;
    private final Object[] out;

    /** {@code programInputs}: the scan columns the program reads (the others are never filled in). */
    ComputedRows(BatchRows rows, int scanColumns, RowProgram program, int[] programInputs, int computedColumns) {
        this.rows = rows;
        this.scanColumns = scanColumns;
        this.program = program;
        this.programInputs = programInputs.clone();
        this.in = new Object[scanColumns];
        this.out = new Object[computedColumns];
    }

    /** Runs the program on row {@code r} of the bound batch: true when the row passes its condition. */
    boolean evaluate(int r) {
        for (int c : programInputs) {
            in[c] = rows.get(c, r);
        }
        return program.apply(in, out);
    }

    @Override
    public boolean isNull(int column, int row) {
        return column < scanColumns ? rows.isNull(column, row) : out[column - scanColumns] == null;
    }

    @Override
    public long getLong(int column, int row) {
        if (column < scanColumns) {
            return rows.getLong(column, row);
        }
        Object v = out[column - scanColumns];
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }

    @Override
    public Object get(int column, int row) {
        return column < scanColumns ? rows.get(column, row) : out[column - scanColumns];
    }
}

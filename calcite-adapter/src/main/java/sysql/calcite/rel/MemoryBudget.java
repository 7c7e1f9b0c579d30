// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.rel;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import sysql.calcite.SysqlException;

/**
 * A statement's memory budget for the rows it keeps: Calcite's sorts, the build sides of its joins, its windows, set
 * operations and value-keeping aggregates hold every row they are given until they are done, with no bound of
 * their own. The plan passes each such operator's input through {@link #counted} ({@link MemoryBudgets} puts
 * it there), which estimates the bytes of every row that goes by (object headers, references, boxed numbers,
 * strings and buffers by their length) and fails the statement in one line once the rows kept by all of its
 * operators together pass the budget ({@code QuerySettings.statementBytes}). The count is per execution; an input
 * read again (an operator run once per row of an outer join's side) counts its latest pass only, as its operator
 * drops the rows of the pass before.
 */
public final class MemoryBudget {
    private MemoryBudget() {}

    /** Bytes kept so far by each running execution (its DataContext: a new one each time a statement runs). */
    private static final Map<DataContext, AtomicLong> KEPT = Collections.synchronizedMap(new WeakHashMap<>());

    /** An array's or an object's header, and a hash table's or list's entry for the row. */
    private static final int ROW_OVERHEAD = 16 + 32;

    /**
     * {@code input}, each row of which is counted against the budget of the statement run with {@code root}: past
     * {@code budget} bytes, the statement fails, naming {@code what} keeps the rows.
     */
    public static <T> Enumerable<T> counted(Enumerable<T> input, DataContext root, long budget, String what) {
        AtomicLong kept = KEPT.computeIfAbsent(root, k -> new AtomicLong());
        AtomicLong pass = new AtomicLong(); // what the latest pass over this input counted
        return new AbstractEnumerable<T>() {
            @Override
            public Enumerator<T> enumerator() {
                kept.addAndGet(-pass.getAndSet(0));
                Enumerator<T> rows = input.enumerator();
                return new Enumerator<T>() {
                    @Override
                    public T current() {
                        return rows.current();
                    }

                    @Override
                    public boolean moveNext() {
                        if (!rows.moveNext()) {
                            return false;
                        }
                        long n = bytes(rows.current());
                        pass.addAndGet(n);
                        if (kept.addAndGet(n) > budget) {
                            throw new SysqlException("the statement kept more than " + (budget >> 20) + " MiB of rows"
                                    + " in " + what + " (its memory budget) and was stopped: narrow it (a time range, "
                                    + "fewer joined rows, a LIMIT before a sort), or raise the budget (connection "
                                    + "property statementMemory; sysql serve and the daemon: --max-statement-memory)");
                        }
                        return true;
                    }

                    @Override
                    public void reset() {
                        rows.reset();
                    }

                    @Override
                    public void close() {
                        rows.close();
                    }
                };
            }
        };
    }

    /** The estimated bytes of a row kept in memory. */
    static long bytes(Object row) {
        if (row instanceof Object[] values) {
            long n = ROW_OVERHEAD + 8L * values.length;
            for (Object v : values) {
                n += value(v);
            }
            return n;
        }
        return ROW_OVERHEAD + value(row);
    }

    private static long value(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            return 40 + s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + b.length;
        }
        if (v instanceof ByteString b) {
            return 56 + b.length();
        }
        if (v instanceof Object[] nested) {
            return bytes(nested);
        }
        if (v instanceof java.util.List<?> list) {
            long n = 24 + 8L * list.size();
            for (Object e : list) {
                n += value(e);
            }
            return n;
        }
        return 16; // a boxed number, a boolean, a date
    }
}

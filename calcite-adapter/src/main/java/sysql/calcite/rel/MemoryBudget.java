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
 * read again (an operator run once per row of an outer join's side, or of a correlated subquery) counts its latest
 * pass only, as its operator drops the rows of the pass before.
 */
public final class MemoryBudget {
    private MemoryBudget() {}

    /** What each running execution keeps (its DataContext: a new one each time a statement runs). */
    private static final Map<DataContext, Execution> KEPT = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The bytes an execution keeps in all, and what the latest pass over each counted input (its site in the plan)
     * counted: an input read again, or built again (a correlated subquery's plan is made once per outer row), counts
     * its latest pass only, as its operator drops the rows of the pass before.
     */
    private static final class Execution {
        final AtomicLong total = new AtomicLong();
        final Map<Integer, AtomicLong> passes = new java.util.concurrent.ConcurrentHashMap<>();

        /** A new pass over input {@code site}: the previous one's bytes are given back. */
        AtomicLong newPass(int site) {
            AtomicLong pass = passes.computeIfAbsent(site, s -> new AtomicLong());
            total.addAndGet(-pass.getAndSet(0));
            return pass;
        }
    }

    /** An array's or an object's header, and a hash table's or list's entry for the row. */
    private static final int ROW_OVERHEAD = 16 + 32;

    /**
     * {@code input}, each row of which is counted against the budget of the statement run with {@code root}: past
     * {@code budget} bytes, the statement fails, naming {@code what} keeps the rows.
     */
    public static <T> Enumerable<T> counted(Enumerable<T> input, DataContext root, long budget, String what, int site) {
        return metered(input, root, budget, site, () -> new RowsKept(what));
    }

    /**
     * {@code input}, the rows of an aggregate that keeps one accumulator row per group: the groups it will hold are
     * estimated from the distinct values of the {@code keys} columns seen so far ({@link GroupEstimate}), each with
     * its key and {@code accumulators} accumulators, and counted against the budget as they grow.
     */
    public static <T> Enumerable<T> groups(
            Enumerable<T> input, DataContext root, long budget, int[] keys, int accumulators, int site) {
        return metered(input, root, budget, site, () -> new GroupEstimate(keys, ROW_OVERHEAD + 24L * accumulators));
    }

    /** What one pass over a counted input keeps, as its rows go by. */
    private interface Meter {
        /** Takes a row in; the bytes the pass keeps so far. */
        long add(Object row);

        /** What keeps them, as the error says it. */
        String what();
    }

    /** Every row kept as it is. */
    private static final class RowsKept implements Meter {
        private final String what;
        private long bytes;

        RowsKept(String what) {
            this.what = what;
        }

        @Override
        public long add(Object row) {
            return bytes += bytes(row);
        }

        @Override
        public String what() {
            return what;
        }
    }

    /** {@code input} with each pass over it measured by a new meter, the execution's total checked per row. */
    private static <T> Enumerable<T> metered(
            Enumerable<T> input, DataContext root, long budget, int site, java.util.function.Supplier<Meter> meters) {
        Execution execution = KEPT.computeIfAbsent(root, k -> new Execution());
        AtomicLong kept = execution.total;
        return new AbstractEnumerable<T>() {
            @Override
            public Enumerator<T> enumerator() {
                AtomicLong pass = execution.newPass(site);
                Enumerator<T> rows = input.enumerator();
                Meter meter = meters.get();
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
                        long n = meter.add(rows.current());
                        if (kept.addAndGet(n - pass.getAndSet(n)) > budget) {
                            throw exceeded(budget, meter.what());
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

    private static SysqlException exceeded(long budget, String what) {
        return new SysqlException("the statement kept more than " + (budget >> 20) + " MiB of rows in " + what
                + " (its memory budget) and was stopped: narrow it (a time range, fewer joined rows or groups, a LIMIT "
                + "before a sort), or raise the budget (connection property statementMemory; sysql serve and the "
                + "daemon: --max-statement-memory)");
    }

    /**
     * How many distinct keys a stream of rows has, estimated in bounded memory: the K smallest hashes of the keys seen
     * (exact below K distinct keys; beyond, K-1 over the K-th smallest hash's share of the hash range, a K-minimum-
     * values sketch, within a few percent), and the bytes of the groups, each its key's bytes (their mean over the
     * keys sketched) and {@code groupBytes}.
     */
    static final class GroupEstimate implements Meter {
        private static final int K = 1024;
        private final int[] keys;
        private final long groupBytes;
        private final it.unimi.dsi.fastutil.longs.LongRBTreeSet smallest =
                new it.unimi.dsi.fastutil.longs.LongRBTreeSet();
        private long keyBytes;
        private long keysMeasured;
        private long count;

        GroupEstimate(int[] keys, long groupBytes) {
            this.keys = keys;
            this.groupBytes = groupBytes;
        }

        /** Takes a row in; the estimated bytes of the groups so far. */
        @Override
        public long add(Object row) {
            long h = hash(row) >>> 1; // 63 bits, from 0
            boolean full = smallest.size() >= K;
            if ((!full || h < smallest.lastLong()) && smallest.add(h)) {
                if (full) {
                    smallest.remove(smallest.lastLong());
                }
                keyBytes += keyBytes(row);
                keysMeasured++;
                count = smallest.size() < K
                        ? smallest.size()
                        : (long) ((K - 1) / ((smallest.lastLong() + 1.0) / 0x1p63));
            }
            return count * (groupBytes + (keysMeasured == 0 ? 0 : keyBytes / keysMeasured));
        }

        long count() {
            return count;
        }

        @Override
        public String what() {
            return "an aggregate's groups (about " + count + ")";
        }

        private long hash(Object row) {
            long h = 0x9E3779B97F4A7C15L;
            if (row instanceof Object[] values) {
                for (int k : keys) {
                    h = (h ^ java.util.Objects.hashCode(values[k])) * 0xff51afd7ed558ccdL;
                }
            } else {
                h = (h ^ java.util.Objects.hashCode(row)) * 0xff51afd7ed558ccdL;
            }
            h ^= h >>> 33; // MurmurHash3's finaliser
            h *= 0xc4ceb9fe1a85ec53L;
            return h ^ (h >>> 33);
        }

        private long keyBytes(Object row) {
            if (!(row instanceof Object[] values)) {
                return value(row);
            }
            long n = 8L * keys.length;
            for (int k : keys) {
                n += value(values[k]);
            }
            return n;
        }
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

// SPDX-License-Identifier: Apache-2.0
package sysql.calcite;

import org.apache.calcite.DataContext;

/**
 * A statement's time limit ({@code Statement.setQueryTimeout}, which Calcite hands the statement's context as
 * {@code DataContext.Variable.TIMEOUT} and enforces nowhere): sysql's scans look at it as they read, from the
 * moment the statement's first scan starts, and fail the statement in one line once it has passed.
 */
public final class Deadline {
    private final long timeoutMillis;
    private final long endNanos;

    private Deadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.endNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    /** One deadline per execution: its cancel flag (a new one each time a statement runs) is the key. */
    private static final java.util.Map<Object, Deadline> BY_EXECUTION =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * The deadline of the statement run with {@code root}, counted from its first scan (the same for every scan of
     * the execution, however often a join opens them again); null when it has no timeout.
     */
    public static Deadline of(DataContext root) {
        Object t = root.get(DataContext.Variable.TIMEOUT.camelName);
        if (!(t instanceof Long ms) || ms <= 0) {
            return null;
        }
        Object execution = DataContext.Variable.CANCEL_FLAG.get(root);
        return execution == null ? new Deadline(ms) : BY_EXECUTION.computeIfAbsent(execution, k -> new Deadline(ms));
    }

    /** Fails the statement once its time is up. */
    public void check() {
        if (System.nanoTime() - endNanos > 0) {
            throw new SysqlException("the statement ran longer than its time limit of " + timeoutMillis / 1000
                    + " s and was stopped: narrow it (a time range, a LIMIT), or raise the limit"
                    + " (Statement.setQueryTimeout; sysql serve and the daemon: --statement-timeout)");
        }
    }
}

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

    /** The deadline of the statement run with {@code root}, counted from now; null when it has no timeout. */
    public static Deadline of(DataContext root) {
        Object t = root.get(DataContext.Variable.TIMEOUT.camelName);
        return t instanceof Long ms && ms > 0 ? new Deadline(ms) : null;
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

// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.util.CancelFlag;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.SysqlException;

/**
 * What stops a statement while it is being planned: a cancel of the statement and its time limit. Calcite's
 * planners look at a flag in their context before every rule they fire ({@link CancelFlag}); each planning has a
 * flag of its own, raised by its time limit or by {@link #cancel} of its statement, and never the statement's own
 * cancel flag, which Avatica never lowers (a statement whose planning ran out of time runs again). Calcite's
 * preparation does not know which statement it prepares, so the thread that prepares one says so here
 * ({@link #begin}); {@link SysqlPrepare} hands the flag to its planners and fails the preparation in one line
 * once it is up.
 */
public final class PlanningCancel implements AutoCloseable {
    private static final ThreadLocal<PlanningCancel> CURRENT = new ThreadLocal<>();
    /** How deep in {@link SysqlPrepare#prepareSql} this thread is (a view's SQL is prepared inside a statement's). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /** The plannings going on, by their statement's cancel flag (an AtomicBoolean: compared by identity). */
    private static final Map<AtomicBoolean, PlanningCancel> BY_STATEMENT = new ConcurrentHashMap<>();

    /** Raises the flags of the statements whose time limit passes while they are planned. */
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "sysql-planning-time-limit");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true); // a planning that ends leaves no task behind
    }

    /** What the planners look at. */
    private final AtomicBoolean planning = new AtomicBoolean();

    private final @Nullable AtomicBoolean statement;
    private final @Nullable PlanningCancel outer;
    private final @Nullable ScheduledFuture<?> timer;
    private final long timeLimitSeconds;
    /** Under this object's lock: the time limit passed while the statement was planned. */
    private boolean timedOut;
    /** Under this object's lock: the planning is over (planned, failed or closed): the time limit no longer acts. */
    private boolean over;

    private PlanningCancel(@Nullable AtomicBoolean statement, long timeLimitSeconds, @Nullable PlanningCancel outer) {
        this.statement = statement;
        this.outer = outer;
        this.timeLimitSeconds = timeLimitSeconds;
        this.timer = timeLimitSeconds > 0 ? TIMER.schedule(this::timeUp, timeLimitSeconds, TimeUnit.SECONDS) : null;
    }

    /**
     * The statements this thread prepares until {@link #close} are stopped by a {@link #cancel} of {@code statement}
     * (the statement's cancel flag; null: a statement not made yet, which nobody can cancel) and, if
     * {@code timeLimitSeconds} is positive, by that time passing.
     */
    public static PlanningCancel begin(@Nullable AtomicBoolean statement, long timeLimitSeconds) {
        PlanningCancel c = new PlanningCancel(statement, timeLimitSeconds, CURRENT.get());
        if (statement != null) {
            BY_STATEMENT.put(statement, c);
        }
        CURRENT.set(c);
        return c;
    }

    /** Stops the planning of the statement whose cancel flag is {@code statement}, if it is being planned. */
    public static void cancel(AtomicBoolean statement) {
        PlanningCancel c = BY_STATEMENT.get(statement);
        if (c != null) {
            c.planning.set(true);
        }
    }

    private synchronized void timeUp() {
        if (!over) {
            timedOut = true;
            planning.set(true);
        }
    }

    /** This thread enters {@link SysqlPrepare#prepareSql}; its depth there, 1 for a statement's own preparation. */
    static int enter() {
        return ++DEPTH.get()[0];
    }

    /** This thread leaves {@link SysqlPrepare#prepareSql}. */
    static void leave() {
        int[] depth = DEPTH.get();
        if (--depth[0] <= 0) {
            DEPTH.remove();
        }
    }

    /** The flag Calcite's planners are to look at, for the statement this thread prepares (null: none). */
    static @Nullable CancelFlag cancelFlag() {
        PlanningCancel c = CURRENT.get();
        return c == null ? null : new CancelFlag(c.planning);
    }

    /**
     * The statement this thread prepared is planned and compiled (its own preparation, not a view's inside it): its
     * time limit here is over (from now on its scans bound it), and if it passed meanwhile the preparation fails.
     */
    static void planned() {
        PlanningCancel c = CURRENT.get();
        if (c != null) {
            synchronized (c) {
                c.over = true;
            }
            check(null);
        }
    }

    /** Fails the preparation in one line if its statement was cancelled or ran out of time ({@code cause}: why). */
    static void check(@Nullable Throwable cause) {
        PlanningCancel c = CURRENT.get();
        if (c == null || !(c.planning.get() || (c.statement != null && c.statement.get()))) {
            return;
        }
        boolean timedOut;
        synchronized (c) {
            timedOut = c.timedOut;
        }
        String message = timedOut
                ? "the statement was planned for longer than its time limit of " + c.timeLimitSeconds
                        + " s and was stopped: join fewer tables at once (a subquery per few), or raise the limit "
                        + "(Statement.setQueryTimeout; sysql serve and the daemon: --statement-timeout)"
                : "the statement was cancelled while it was being planned";
        throw cause == null ? new SysqlException(message) : new SysqlException(message, cause);
    }

    @Override
    public void close() {
        synchronized (this) {
            over = true;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (statement != null) {
            BY_STATEMENT.remove(statement, this);
        }
        if (CURRENT.get() == this) {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}

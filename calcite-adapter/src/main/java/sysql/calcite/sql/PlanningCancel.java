// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.sql;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.util.CancelFlag;
import org.checkerframework.checker.nullness.qual.Nullable;
import sysql.calcite.SysqlException;

/**
 * What stops a statement while it is being planned: its cancel flag (Calcite's planners look at it before every rule
 * they fire, {@link CancelFlag} in the planner's context) and its time limit. Calcite's preparation does not know
 * which statement it prepares, so the thread that prepares one says so here ({@link #begin}); {@link SysqlPrepare}
 * hands the flag to its planners and fails the preparation in one line once the flag is up.
 */
public final class PlanningCancel implements AutoCloseable {
    private static final ThreadLocal<PlanningCancel> CURRENT = new ThreadLocal<>();

    /** Raises the flags of the statements whose time limit passes while they are planned. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sysql-planning-time-limit");
        t.setDaemon(true);
        return t;
    });

    private final AtomicBoolean flag;
    private final @Nullable PlanningCancel outer;
    private final @Nullable ScheduledFuture<?> timer;
    private final long timeLimitSeconds;
    /** Under this object's lock: the time limit passed while the statement was planned; the planning ended. */
    private boolean timedOut;

    private boolean planned;

    private PlanningCancel(AtomicBoolean flag, long timeLimitSeconds, @Nullable PlanningCancel outer) {
        this.flag = flag;
        this.outer = outer;
        this.timeLimitSeconds = timeLimitSeconds;
        this.timer = timeLimitSeconds > 0 ? TIMER.schedule(this::timeUp, timeLimitSeconds, TimeUnit.SECONDS) : null;
    }

    /**
     * The statements this thread prepares until {@link #close} are stopped by {@code flag} (the statement's cancel
     * flag: a cancel of the statement raises it) and, if {@code timeLimitSeconds} is positive, by that time passing.
     */
    public static PlanningCancel begin(AtomicBoolean flag, long timeLimitSeconds) {
        PlanningCancel c = new PlanningCancel(flag, timeLimitSeconds, CURRENT.get());
        CURRENT.set(c);
        return c;
    }

    /** Whether this thread prepares under a {@link #begin} already. */
    public static boolean active() {
        return CURRENT.get() != null;
    }

    private synchronized void timeUp() {
        if (!planned) { // a statement already running is bounded by its scans (Deadline), not here
            timedOut = true;
            flag.set(true);
        }
    }

    /**
     * The statement this thread prepared is planned and compiled: its time limit here is over (from now on its
     * scans bound it), and if it passed meanwhile the preparation fails in one line.
     */
    static void planned() {
        PlanningCancel c = CURRENT.get();
        if (c != null) {
            synchronized (c) {
                c.planned = true;
            }
            check(null);
        }
    }

    /** The flag Calcite's planners are to look at, for the statement this thread prepares (null: none). */
    static @Nullable CancelFlag cancelFlag() {
        PlanningCancel c = CURRENT.get();
        return c == null ? null : new CancelFlag(c.flag);
    }

    /** Fails the preparation in one line if its statement was cancelled or ran out of time ({@code cause}: why). */
    static void check(@Nullable Throwable cause) {
        PlanningCancel c = CURRENT.get();
        if (c == null || !c.flag.get()) {
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
        if (timer != null) {
            timer.cancel(false);
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

package sysql.capture.state;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every known thread by tid. Threads first seen mid-stream are filled by a {@link ThreadLoader} when one is
 * attached (/proc for a live capture, the recorder's copies for a replay), else created with what the event
 * itself tells.
 */
public final class ThreadTable {
    /** Most threads kept; beyond it new threads are counted in {@link #overflow()} and not stored. */
    public static final int MAX_THREADS = 1 << 17;

    private final Long2ObjectOpenHashMap<ThreadInfo> threads = new Long2ObjectOpenHashMap<>();
    /** Threads per process (pid), kept as threads come and go, for proc.nthreads. */
    private final Long2IntOpenHashMap threadsPerPid = new Long2IntOpenHashMap();
    private final ThreadLoader procfs;
    private Consumer<ThreadInfo> loadListener;
    private long overflow;
    private long lazyLoads;

    /** @param procfs where to look up threads first seen mid-stream, or null (capture files) */
    public ThreadTable(ThreadLoader procfs) {
        this.procfs = procfs;
    }

    /**
     * Tells {@code listener} of every thread the loader fills (before any event changes it), so that a recorder
     * can hand the same thread to a later replay of the same events.
     */
    public void onLoad(Consumer<ThreadInfo> listener) {
        this.loadListener = listener;
    }

    /**
     * A deep copy of the table (threads, their descriptor tables, shared as they are here), looking up unknown
     * threads with {@code loader}.
     */
    public ThreadTable copy(ThreadLoader loader) {
        ThreadTable c = new ThreadTable(loader);
        Map<FdTable, FdTable> fdCopies = new IdentityHashMap<>();
        for (ThreadInfo t : threads.values()) {
            ThreadInfo ct = t.copy();
            ct.fds = t.fds == null ? null : fdCopies.computeIfAbsent(t.fds, FdTable::copy);
            c.threads.put(ct.tid, ct);
        }
        c.threadsPerPid.putAll(threadsPerPid);
        c.overflow = overflow;
        c.lazyLoads = lazyLoads;
        return c;
    }

    public ThreadInfo get(long tid) {
        return threads.get(tid);
    }

    /** The thread, filled from /proc (or created bare) if the table does not know it yet. */
    public ThreadInfo getOrCreate(long tid) {
        return getOrCreate(tid, true);
    }

    /**
     * The thread, created if unknown: from /proc when {@code useProcfs}, else bare. A thread being born (its own
     * clone event) must not be read from /proc: /proc shows it as it is now, possibly after later events the
     * tracker has yet to replay, so it is built from its parent instead.
     */
    public ThreadInfo getOrCreate(long tid, boolean useProcfs) {
        ThreadInfo t = threads.get(tid);
        if (t != null) {
            return t;
        }
        t = procfs != null && useProcfs ? procfs.load(tid, this) : null;
        if (t == null) {
            // Unknown: what the event tells (sysdig shows pid = tid, ppid -1, name <NA>).
            t = new ThreadInfo(tid);
            t.pid = tid;
            t.ptid = -1;
            t.fds = new FdTable();
            return put(t);
        }
        lazyLoads++;
        put(t);
        if (loadListener != null) {
            loadListener.accept(t);
        }
        return t;
    }

    /** Adds a thread; a thread of a known process shares that process's fd table. */
    public ThreadInfo put(ThreadInfo t) {
        if (threads.size() >= MAX_THREADS && !threads.containsKey(t.tid)) {
            overflow++;
            return t;
        }
        if (t.fds == null) {
            ThreadInfo main = t.pid != t.tid ? threads.get(t.pid) : null;
            t.fds = main != null ? main.fds : new FdTable();
        }
        ThreadInfo previous = threads.put(t.tid, t);
        if (previous != null) {
            threadsPerPid.addTo(previous.pid, -1);
        }
        threadsPerPid.addTo(t.pid, 1);
        return t;
    }

    public ThreadInfo remove(long tid) {
        ThreadInfo t = threads.remove(tid);
        if (t != null && threadsPerPid.addTo(t.pid, -1) <= 1) {
            threadsPerPid.remove(t.pid);
        }
        return t;
    }

    /** Threads the table knows in process {@code pid}. */
    public int threadCount(long pid) {
        return threadsPerPid.get(pid);
    }

    /**
     * Records that a known thread now belongs to another process id (a clone child whose own event told its
     * pid after it was created bare).
     */
    void repid(ThreadInfo t, long newPid) {
        if (t.pid == newPid) {
            return;
        }
        if (threads.get(t.tid) == t) {
            if (threadsPerPid.addTo(t.pid, -1) <= 1) {
                threadsPerPid.remove(t.pid);
            }
            threadsPerPid.addTo(newPid, 1);
        }
        t.pid = newPid;
    }

    public int size() {
        return threads.size();
    }

    public Collection<ThreadInfo> all() {
        return threads.values();
    }

    /** Threads that could not be stored because the table was full. */
    public long overflow() {
        return overflow;
    }

    /** Threads filled from /proc because they were first seen mid-stream. */
    public long lazyLoads() {
        return lazyLoads;
    }

    /** The process (main thread) a thread belongs to, or the thread itself when the main thread is unknown. */
    public ThreadInfo mainThread(ThreadInfo t) {
        if (t.pid == t.tid) {
            return t;
        }
        ThreadInfo main = threads.get(t.pid);
        return main != null ? main : t;
    }
}

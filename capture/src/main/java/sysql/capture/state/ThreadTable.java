// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every known thread by tid, kept as sysdig's thread manager keeps it. Threads first seen mid-stream are filled
 * by a {@link ThreadLoader} when one is attached (/proc for a live capture, the recorder's copies for a replay
 * of recorded events); without one (capture files) they become placeholder entries, as in sysdig: pid = tid, no
 * parent, name and exe {@code <NA>}, no user.
 *
 * <p>Each thread has its own descriptor table; a thread cloned with CLONE_FILES uses its main thread's
 * ({@link #fdTable}), and every thread its main thread's working directory ({@link #cwd}). The main thread
 * counts the other threads of its process ({@code nchilds}); a main thread that exits while it still has
 * threads stays in the table until they are gone.
 */
public final class ThreadTable {
    /** Most threads kept; beyond it new threads are counted in {@link #overflow()} and not stored. */
    public static final int MAX_THREADS = 1 << 17;
    /** What sysdig shows as the name and exe of a thread it knows nothing about. */
    public static final String UNKNOWN = "<NA>";

    private final Long2ObjectOpenHashMap<ThreadInfo> threads = new Long2ObjectOpenHashMap<>();
    private final ThreadLoader procfs;
    private Consumer<ThreadInfo> loadListener;
    private NetworkInterfaces interfaces = NetworkInterfaces.NONE;
    private final java.util.Map<String, ContainerInfo> containers = new java.util.HashMap<>();
    private long overflow;
    private long lazyLoads;

    /** @param procfs where to look up threads first seen mid-stream, or null (capture files) */
    public ThreadTable(ThreadLoader procfs) {
        this.procfs = procfs;
    }

    /**
     * Tells {@code listener} of every thread the loader fills, as the loader gave it (before the table counts
     * it in), so that a recorder can hand the same thread to a later replay of the same events.
     */
    public void onLoad(Consumer<ThreadInfo> listener) {
        this.loadListener = listener;
    }

    /**
     * A deep copy of the table (threads, their descriptor tables, the interfaces and containers), looking up
     * unknown threads with {@code loader}.
     */
    public ThreadTable copy(ThreadLoader loader) {
        ThreadTable c = new ThreadTable(loader);
        Map<FdTable, FdTable> fdCopies = new IdentityHashMap<>();
        for (ThreadInfo t : threads.values()) {
            ThreadInfo ct = t.copy();
            ct.fds = t.fds == null ? null : fdCopies.computeIfAbsent(t.fds, FdTable::copy);
            c.threads.put(ct.tid, ct);
        }
        c.interfaces = interfaces;
        c.containers.putAll(containers);
        c.overflow = overflow;
        c.lazyLoads = lazyLoads;
        return c;
    }

    /** The network interfaces of the machine the threads run on. */
    public NetworkInterfaces interfaces() {
        return interfaces;
    }

    public void interfaces(NetworkInterfaces interfaces) {
        this.interfaces = interfaces;
    }

    /** A container the capture described (container metadata events), or null. */
    public ContainerInfo container(String id) {
        return containers.get(id);
    }

    void addContainer(ContainerInfo c) {
        containers.put(c.id(), c);
    }

    /**
     * sysdig's is_ipv4addr_in_local_machine / is_ipv6addr_in_local_machine for one end of a connection socket's
     * tuple: an IPv4 address is the thread's container's or one of the machine's; an IPv6 one is in the /64 of
     * one of the machine's, never for a thread in a container.
     */
    public boolean isLocal(FdInfo f, boolean source, ThreadInfo t) {
        if (f.type() == FdType.IPV6) {
            return t.containerId.isEmpty() && interfaces.isLocalIpv6(f.tupleIpv6Prefix(source));
        }
        int addr = f.tupleIpv4(source);
        if (!t.containerId.isEmpty()) {
            ContainerInfo c = containers.get(t.containerId);
            if (c != null && c.ipv4() == addr) {
                return true;
            }
        }
        return interfaces.isLocalIpv4(addr);
    }

    public ThreadInfo get(long tid) {
        return threads.get(tid);
    }

    /**
     * The thread, created if unknown (sysdig's lookup that may query the OS): from /proc when a reader is
     * attached, else a placeholder. Null only when the table is full.
     */
    public ThreadInfo getOrCreate(long tid) {
        ThreadInfo t = threads.get(tid);
        if (t != null) {
            return t;
        }
        t = procfs != null ? procfs.load(tid, this) : null;
        if (t != null) {
            lazyLoads++;
            if (loadListener != null) {
                loadListener.accept(t);
            }
        } else {
            t = placeholder(tid);
        }
        // A thread created out of thin air counts the threads the table already has for its pid.
        for (ThreadInfo o : threads.values()) {
            if (o.pid == tid) {
                t.nchilds++;
            }
        }
        return add(t) ? t : null;
    }

    private static ThreadInfo placeholder(long tid) {
        ThreadInfo t = new ThreadInfo(tid);
        t.pid = tid;
        t.ptid = -1;
        t.comm = UNKNOWN;
        t.exe = UNKNOWN;
        t.uid = -1;
        t.gid = -1;
        t.placeholder = true;
        return t;
    }

    /** Adds a thread from the initial state (/proc or a capture file): thread counts are made afterwards. */
    public void putInitial(ThreadInfo t) {
        if (t.fds == null) {
            t.fds = new FdTable();
        }
        store(t);
    }

    /**
     * Adds a thread an event created; a thread of a process (CLONE_THREAD) counts in its main thread's
     * {@code nchilds}. False when the table is full.
     */
    public boolean add(ThreadInfo t) {
        if (t.fds == null) {
            t.fds = new FdTable();
        }
        if (threads.size() >= MAX_THREADS && !threads.containsKey(t.tid)) {
            overflow++;
            return false;
        }
        // counted before it is in: a main thread created for it counts only the threads already there
        countInMainThread(t);
        return store(t);
    }

    private boolean store(ThreadInfo t) {
        if (threads.size() >= MAX_THREADS && !threads.containsKey(t.tid)) {
            overflow++;
            return false;
        }
        threads.put(t.tid, t);
        return true;
    }

    private void countInMainThread(ThreadInfo t) {
        if ((t.flags & ThreadInfo.CLONE_THREAD) != 0) {
            ThreadInfo main = getOrCreate(t.pid);
            if (main != null) {
                main.nchilds++;
            }
        }
    }

    /** After the initial state is in: every thread counts in its main thread (sysdig's child dependencies). */
    public void createChildDependencies() {
        List<ThreadInfo> all = new ArrayList<>(threads.values());
        for (ThreadInfo t : all) {
            countInMainThread(t);
        }
    }

    /**
     * Removes a thread, as sysdig does: a thread that still has threads stays unless {@code force}; a removed
     * thread no longer counts in its main thread. A forced removal of a main thread recounts every process.
     */
    public void remove(long tid, boolean force) {
        ThreadInfo t = threads.get(tid);
        if (t == null) {
            return;
        }
        int nchilds = t.nchilds;
        if (nchilds != 0 && !force) {
            return;
        }
        if ((t.flags & ThreadInfo.CLONE_THREAD) != 0) {
            ThreadInfo main = threads.get(t.pid);
            if (main != null && main.nchilds > 0) {
                main.nchilds--;
            }
        }
        threads.remove(tid);
        if (nchilds != 0) {
            for (ThreadInfo o : threads.values()) {
                o.nchilds = 0;
            }
            createChildDependencies();
        }
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

    /**
     * The process (main thread) a thread belongs to. Like sysdig, a main thread the table does not know is
     * looked up (and so created, see {@link #getOrCreate}); null only when the table is full.
     */
    public ThreadInfo mainThread(ThreadInfo t) {
        if (t.pid == t.tid) {
            return t;
        }
        return getOrCreate(t.pid);
    }

    /** The descriptor table a thread uses: its main thread's when it shares it (CLONE_FILES), else its own. */
    public FdTable fdTable(ThreadInfo t) {
        if ((t.flags & ThreadInfo.CLONE_FILES) == 0) {
            return t.fds;
        }
        ThreadInfo main = mainThread(t);
        return main != null ? main.fds : null;
    }

    /**
     * A descriptor of the thread's table, or null. As sysdig's get_fd, the lookup marks its current name as the
     * name before any change the event being parsed makes ({@link FdInfo#nameChanged}).
     */
    public FdInfo fd(ThreadInfo t, long fd) {
        FdTable table = fdTable(t);
        FdInfo f = table != null ? table.get(fd) : null;
        if (f != null) {
            f.lookedUp();
        }
        return f;
    }

    /** The thread's working directory: its main thread's, as sysdig keeps it. */
    public String cwd(ThreadInfo t) {
        ThreadInfo main = mainThread(t);
        return main != null ? main.cwd : "./";
    }
}

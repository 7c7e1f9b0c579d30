// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static sysql.capture.state.EventIndex.ACTIONS;
import static sysql.capture.state.EventIndex.CONTAINER_JSON;
import static sysql.capture.state.EventIndex.ENTER_FD;
import static sysql.capture.state.EventIndex.FLAGS;
import static sysql.capture.state.EventIndex.META;
import static sysql.capture.state.EventIndex.NEWFD_TYPE;
import static sysql.capture.state.EventIndex.SLOTS;
import static sysql.capture.state.EventIndex.SWITCH;

import java.util.Arrays;
import sysql.capture.Event;
import sysql.capture.state.EventIndex.Action;
import sysql.driver.EventTables;

/**
 * sysql's libsinsp core: consumes events in order and keeps the thread table and the descriptor tables
 * current the way sysdig 0.29's parsers do, so that every field shows what sysdig shows.
 *
 * <p>Per event, as sysdig's {@code reset()}: scheduler switches and internal events only look threads up,
 * clone exits and process exits never create one, every other event creates a thread it does not know
 * (from /proc live, a placeholder from a file). An enter event remembers itself on its thread and sets the
 * thread's last-event fd ({@link ThreadInfo#lastEventFd()}: its fd parameter, or -1); an exit event is paired
 * with the thread's last enter only when it is that enter's exit, and only then gets the enter's descriptor.
 * Then the parser of the event type updates the state: clone/fork children are built from their caller
 * (files copied for a new process, shared by a thread), execve replaces the image, open/socket/accept/pipe/
 * eventfd... add descriptors (and set the last-event fd), bind/connect/recvfrom/sendto fill socket tuples,
 * close and procexit remove descriptors and threads when the next event starts. Event types are recognized
 * by sysdig's name and parameters by name, so every version of an event (old capture files too) is handled.
 *
 * <p>This class is the core (sysdig's {@code reset()}, enter/exit pairing, dispatch, scheduling fields); the
 * event-table index is {@link EventIndex}, and the parsers are split as sysdig's are: {@link ProcessParsers}
 * (clone, execve, switch, memory, containers), {@link ThreadAttrParsers} (cwd, ids, limits, session),
 * {@link FdParsers} (open, pipe, dup, fcntl, close, other new descriptors) and {@link SocketParsers} (socket,
 * bind, connect, accept, socketpair, read/write tuples).
 *
 * <p>After {@link #onEvent(Event)} the event's thread is {@link #thread()} and the descriptor the parsers
 * found for it (sysdig's event fdinfo) is {@link #fd()}. Nothing is allocated per event on the common paths
 * (I/O on known descriptors); creating state (a new fd, a new thread) allocates.
 */
public final class StateTracker {
    private final ThreadTable threads;
    // What the parsers share for the event being parsed (package-private: the parsers below read and set them).
    /** The paired enter event's view (valid when {@link #paired}). */
    final Event enter = new Event();
    /** The event's thread, as the parsers found it. */
    ThreadInfo current;
    /** The event's descriptor (sysdig's event fdinfo). */
    FdInfo currentFd;
    /** The exit event has its enter in {@link #enter}. */
    boolean paired;
    /** A descriptor a successful close removes when the next event starts (so the close itself still shows it). */
    FdTable fdTableToClean;

    long fdToRemove = -1;
    private boolean fdNameChanged;
    /** A thread procexit marked: removed when the next event starts, as sysdig does. */
    private long tidToRemove = -1;

    private long events;
    /** Per CPU, the time of its last switch event (sysdig's m_last_proc_switch_times); 0 before the first. */
    private long[] lastSwitchTs = new long[0];
    /** thread.exectime of the last event: for a switch, the time since the previous switch on its CPU; else 0. */
    private long exectime;
    /** The last event was a procinfo of a known thread: thread.cpu* have the values below. */
    private boolean cpuValid;

    private long cpuTotal;
    private long cpuUser;
    private long cpuSystem;

    // The parsers, along sysdig's seams; created once per tracker, none per event.
    private final ProcessParsers process;
    private final ThreadAttrParsers attrs;
    private final FdParsers fds;
    private final SocketParsers sockets;

    public StateTracker(ThreadTable threads) {
        this.threads = threads;
        this.process = new ProcessParsers(this);
        this.attrs = new ThreadAttrParsers(this);
        this.fds = new FdParsers(this);
        this.sockets = new SocketParsers(this);
    }

    /** True if events of this code change the thread or fd tables (the hub never filters them out). */
    public static boolean changesState(int eventCode) {
        return eventCode >= 0 && eventCode < ACTIONS.length && ACTIONS[eventCode] != Action.NONE;
    }

    /**
     * A tracker that goes on from this one's state, over {@code copiedThreads} (a {@link ThreadTable#copy} of
     * this tracker's table taken at the same moment, between two events).
     */
    public StateTracker copy(ThreadTable copiedThreads) {
        StateTracker c = new StateTracker(copiedThreads);
        c.events = events;
        c.tidToRemove = tidToRemove;
        c.fdToRemove = fdToRemove;
        c.lastSwitchTs = lastSwitchTs.clone();
        c.exectime = exectime;
        c.cpuValid = cpuValid;
        c.cpuTotal = cpuTotal;
        c.cpuUser = cpuUser;
        c.cpuSystem = cpuSystem;
        if (fdTableToClean != null) {
            // The copy's table of the same thread: found by the thread that owns the table here.
            for (ThreadInfo t : threads.all()) {
                if (t.fds == fdTableToClean) {
                    ThreadInfo copied = copiedThreads.get(t.tid);
                    c.fdTableToClean = copied == null ? null : copied.fds;
                    break;
                }
            }
        }
        return c;
    }

    public ThreadTable threads() {
        return threads;
    }

    /** The thread of the last event, or null (sysdig has no thread for it either). */
    public ThreadInfo thread() {
        return current;
    }

    /**
     * The descriptor the last event refers to as sysdig's parsers found it (its event fdinfo), or null: the
     * enter's fd, the exit's paired enter's fd, or the descriptor the event created.
     */
    public FdInfo fd() {
        return currentFd;
    }

    /** True when parsing the last event changed the name of its descriptor ({@link #fd()}; sysdig's fd.name_changed). */
    public boolean fdNameChanged() {
        return fdNameChanged;
    }

    /** The enter event paired with the last (exit) event, or null. Valid until the next call. */
    public Event pairedEnter() {
        return paired ? enter : null;
    }

    /**
     * sysdig's thread.exectime for the last event: for a switch event, the nanoseconds since the previous switch
     * on the same CPU (what the thread switched out ran), 0 for the first one of a CPU and for other events.
     */
    public long exectime() {
        return exectime;
    }

    /** True when the last event is a procinfo of a known thread: {@link #threadCpu} has its values. */
    public boolean hasThreadCpu() {
        return cpuValid;
    }

    /**
     * sysdig's thread.cpu (0), thread.cpu.user (1) or thread.cpu.system (2) of the last event, a procinfo: the
     * thread's CPU ticks (user+system, user, system) since its previous procinfo, at most 100 (a percentage of
     * one CPU, the driver sending a procinfo per second and the kernel counting 100 ticks per second); 0 for a
     * thread's first procinfo, and for every one while the previous count was 0.
     */
    public long threadCpu(int which) {
        return which == 0 ? cpuTotal : which == 1 ? cpuUser : cpuSystem;
    }

    public long eventCount() {
        return events;
    }

    /**
     * Updates the state with {@code e}, the next event in timestamp order. Afterwards the event's thread is the
     * one its parsing found or, when it found none, the one the table now has for its tid (as sysdig's field
     * extraction looks it up; a child's own clone exit that created the child has it).
     */
    public void onEvent(Event e) {
        events++;
        applyPendingRemovals();
        parse(e);
        fdNameChanged = currentFd != null && currentFd.nameChanged();
        if (current == null) {
            current = threads.get(e.tid());
        }
        scheduling(e);
    }

    /** thread.exectime / thread.totexectime from switch events, thread.cpu* from procinfo events. */
    private void scheduling(Event e) {
        int code = e.typeCode();
        exectime = 0;
        cpuValid = false;
        if (code == EventTables.EVENT_SCHEDSWITCH_1_E || code == EventTables.EVENT_SCHEDSWITCH_6_E) {
            int cpu = e.cpu();
            if (cpu >= lastSwitchTs.length) {
                lastSwitchTs = Arrays.copyOf(lastSwitchTs, Math.max(cpu + 1, 2 * lastSwitchTs.length));
            }
            long last = lastSwitchTs[cpu];
            if (last != 0) {
                exectime = e.ts() - last;
            }
            lastSwitchTs[cpu] = e.ts();
            if (current != null) {
                current.totExectime += exectime;
            }
        } else if (code == EventTables.EVENT_PROCINFO_E && current != null && e.nparams() >= 2) {
            ThreadInfo t = current;
            long user = e.paramAsLong(0);
            long system = e.paramAsLong(1);
            cpuValid = true;
            cpuTotal = cpuDelta(user + system, t.lastCpuTotal);
            cpuUser = cpuDelta(user, t.lastCpuUser);
            cpuSystem = cpuDelta(system, t.lastCpuSystem);
            t.lastCpuTotal = user + system;
            t.lastCpuUser = user;
            t.lastCpuSystem = system;
        }
    }

    /** sysdig's extract_thread_cpu: the unsigned difference, capped at 100; 0 without a previous count. */
    private static long cpuDelta(long now, long last) {
        if (last == 0) {
            return 0;
        }
        long d = now - last;
        return Long.compareUnsigned(d, 100) > 0 ? 100 : d;
    }

    private void parse(Event e) {
        int code = e.typeCode();
        currentFd = null;
        current = null;
        paired = false;
        short[] slot = code < SLOTS.length ? SLOTS[code] : null;
        if (slot == null) {
            current = threads.getOrCreate(e.tid());
            return;
        }
        int flags = FLAGS[code];
        long tid = e.tid();
        if ((flags & EventTables.EF_SKIPPARSERESET) != 0) {
            // internal events: only procinfo has a thread, and only a known one
            current = code == EventTables.EVENT_PROCINFO_E ? threads.get(tid) : null;
            if (code == EventTables.EVENT_CONTAINER_E) {
                process.onOldContainer(e);
            }
            return;
        }
        if (META[code]) {
            if (CONTAINER_JSON[code]) {
                process.onContainerJson(e);
            }
            return;
        }
        Action action = ACTIONS[code];
        boolean cloneExit = action == Action.CLONE;
        boolean mayCreate = !(cloneExit || SWITCH[code] || action == Action.PROCEXIT);
        ThreadInfo t = mayCreate ? threads.getOrCreate(tid) : threads.get(tid);
        current = t;
        if (SWITCH[code]) {
            if (t != null) {
                process.contextSwitch(t, e, slot);
            }
            return;
        }
        if (t == null) {
            if (cloneExit) {
                process.onClone(null, e, slot);
            }
            return;
        }
        if (e.isEnter()) {
            t.lastEventFd = -1;
            t.latency = 0;
            rememberEnter(t, e);
            short fdIdx = (flags & EventTables.EF_USES_FD) != 0 ? ENTER_FD[code] : -1;
            if (fdIdx >= 0 && fdIdx < e.nparams() && e.paramLength(fdIdx) == 8) {
                t.lastEventFd = e.paramAsLong(fdIdx);
                currentFd = threads.fd(t, t.lastEventFd);
            }
            if (action == Action.CONNECT) {
                sockets.onConnectEnter(e, slot);
            }
            if (action == Action.PROCEXIT) {
                t.flags |= ThreadInfo.CLOSED;
                t.dead = true;
                tidToRemove = tid;
            }
            return;
        }
        if (t.lastEnterTs != 0) {
            t.latency = e.ts() - t.lastEnterTs;
        }
        boolean matches = code == t.lastEnterType + 1
                || t.lastEnterType == EventTables.EVENT_SYSCALL_EXECVEAT_E && action == Action.EXECVE;
        if (matches) {
            paired = t.lastEnterLen > 0 && wrapEnter(t);
            if ((flags & EventTables.EF_USES_FD) != 0) {
                // copy_file_range uses two descriptors: its enter names the one it reads (fdin), its exit the one
                // it writes (fdout, the exit's second parameter), which is the exit's fd, as libsinsp's reset() says
                if (code == EventTables.EVENT_SYSCALL_COPY_FILE_RANGE_X && e.nparams() > 1 && e.paramLength(1) == 8) {
                    t.lastEventFd = e.paramAsLong(1);
                }
                currentFd = threads.fd(t, t.lastEventFd);
            }
        }
        switch (action) {
            case CLONE -> process.onClone(t, e, slot);
            case EXECVE -> process.onExecve(t, e, slot);
            case OPEN -> fds.onOpen(t, e, slot);
            case SOCKET -> sockets.onSocket(t, e, slot);
            case CONNECT -> sockets.onConnect(e, slot);
            case ACCEPT -> sockets.onAccept(t, e, slot);
            case BIND -> sockets.onBind(e, slot);
            case PIPE -> fds.onPipe(t, e, slot);
            case SOCKETPAIR -> sockets.onSocketPair(t, e, slot);
            case DUP -> fds.onDup(t, e, slot);
            case FCNTL -> fds.onFcntl(t, e, slot);
            case CLOSE -> fds.onClose(t, e, slot);
            case CHDIR -> attrs.onChdir(t, e, slot);
            case FCHDIR -> attrs.onFchdir(t, e, slot);
            case GETCWD -> attrs.onGetcwd(t, e, slot);
            case SETUID, SETGID, SETRESUID, SETRESGID -> attrs.onSetIds(t, e, slot, action);
            case NEWFD -> fds.onNewFd(t, e, slot, NEWFD_TYPE[code]);
            case MEMORY -> ProcessParsers.onMemory(t, e, slot);
            case RECV_TUPLE, SEND_TUPLE -> sockets.onReadWrite(t, e, slot, (flags & EventTables.EF_READS_FROM_FD) != 0);
            case GETSETRLIMIT -> attrs.onGetSetRlimit(t, e, slot);
            case PRLIMIT -> attrs.onPrlimit(e, slot);
            case SETSID -> ThreadAttrParsers.onSetsid(t, e, slot);
            default -> {}
        }
        // The stored enter serves one exit only (sysdig frees it after the exit).
        if (current != null) {
            current.lastEnterLen = 0;
        }
    }

    private void applyPendingRemovals() {
        if (tidToRemove != -1) {
            threads.remove(tidToRemove, false);
            tidToRemove = -1;
        }
        if (fdTableToClean != null) {
            fdTableToClean.remove(fdToRemove);
            fdTableToClean = null;
            fdToRemove = -1;
        }
    }

    private static void rememberEnter(ThreadInfo t, Event e) {
        t.lastEnterType = e.typeCode();
        t.lastEnterTs = e.ts();
        int len = e.length();
        if (len <= ThreadInfo.ENTER_COPY_MAX) {
            e.buffer().get(e.offset(), t.lastEnter, 0, len);
            t.lastEnterLen = len;
        } else {
            t.lastEnterLen = 0;
        }
    }

    private boolean wrapEnter(ThreadInfo t) {
        t.lastEnterView.limit(t.lastEnterLen);
        enter.wrap(t.lastEnterView, 0, 0);
        return true;
    }

    /** Adds (or replaces) a descriptor in the thread's table; it becomes the event's and the thread's last. */
    FdInfo addFd(ThreadInfo t, FdInfo f) {
        FdTable table = threads.fdTable(t);
        if (table != null) {
            table.put(f);
        }
        t.lastEventFd = f.fd();
        currentFd = f;
        return f;
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.SocketAddressParam;
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
 * <p>After {@link #onEvent(Event)} the event's thread is {@link #thread()} and the descriptor the parsers
 * found for it (sysdig's event fdinfo) is {@link #fd()}. Nothing is allocated per event on the common paths
 * (I/O on known descriptors); creating state (a new fd, a new thread) allocates.
 */
public final class StateTracker {
    private static final int EINPROGRESS = 115;
    /** A child thread entry older than this at its own clone exit is a leftover of a lost exit (sysdig's rule). */
    private static final long CLONE_STALE_TIME_NS = 2_000_000_000L;

    // Parameter names the parsers read; SLOTS[code][n] is the parameter's index in that event type, or -1.
    private static final String[] NAMES = {
        "fd",
        "res",
        "name",
        "dirfd",
        "flags",
        "tuple",
        "addr",
        "fd1",
        "fd2",
        "ino",
        "exe",
        "args",
        "tid",
        "pid",
        "ptid",
        "cwd",
        "fdlimit",
        "comm",
        "cgroups",
        "env",
        "uid",
        "gid",
        "vtid",
        "vpid",
        "loginuid",
        "path",
        "domain",
        "type",
        "proto",
        "cmd",
        "euid",
        "egid",
        "ruid",
        "rgid",
        "vm_size",
        "vm_rss",
        "vm_swap",
        "filename",
        "pathname",
        "dev",
        "pgft_maj",
        "pgft_min",
        "tty",
        "pgid",
        "resource",
        "cur",
        "newcur",
        "data",
        "source",
        "peer"
    };
    private static final int P_FD = 0,
            P_RES = 1,
            P_NAME = 2,
            P_DIRFD = 3,
            P_FLAGS = 4,
            P_TUPLE = 5,
            P_ADDR = 6,
            P_FD1 = 7,
            P_FD2 = 8,
            P_INO = 9,
            P_EXE = 10,
            P_ARGS = 11,
            P_PID = 13,
            P_PTID = 14,
            P_FDLIMIT = 16,
            P_COMM = 17,
            P_CGROUPS = 18,
            P_ENV = 19,
            P_UID = 20,
            P_GID = 21,
            P_VTID = 22,
            P_VPID = 23,
            P_LOGINUID = 24,
            P_PATH = 25,
            P_DOMAIN = 26,
            P_TYPE = 27,
            P_PROTO = 28,
            P_CMD = 29,
            P_EUID = 30,
            P_EGID = 31,
            P_VM_SIZE = 34,
            P_VM_RSS = 35,
            P_VM_SWAP = 36,
            P_FILENAME = 37,
            P_PATHNAME = 38,
            P_DEV = 39,
            P_PGFT_MAJ = 40,
            P_PGFT_MIN = 41,
            P_TTY = 42,
            P_PGID = 43,
            P_RESOURCE = 44,
            P_CUR = 45,
            P_NEWCUR = 46,
            P_SOURCE = 48,
            P_PEER = 49;
    private static final short[][] SLOTS = new short[EventTables.EVENT_CODE_LIMIT][];

    // What each event code does to the state (the parser sysdig runs for it).
    private enum Action {
        NONE,
        CLONE,
        EXECVE,
        PROCEXIT,
        OPEN,
        SOCKET,
        CONNECT,
        ACCEPT,
        BIND,
        PIPE,
        SOCKETPAIR,
        DUP,
        FCNTL,
        CLOSE,
        CHDIR,
        FCHDIR,
        GETCWD,
        SETUID,
        SETGID,
        SETRESUID,
        SETRESGID,
        NEWFD,
        MEMORY,
        RECV_TUPLE,
        SEND_TUPLE,
        GETSETRLIMIT,
        PRLIMIT,
        SETSID
    }

    private static final Action[] ACTIONS = new Action[EventTables.EVENT_CODE_LIMIT];
    private static final FdType[] NEWFD_TYPE = new FdType[EventTables.EVENT_CODE_LIMIT];
    private static final int[] FLAGS = new int[EventTables.EVENT_CODE_LIMIT];
    /** Index of the fd an enter event works on (its first fd-typed parameter), or -1. */
    private static final short[] ENTER_FD = new short[EventTables.EVENT_CODE_LIMIT];
    /** Events that describe a thread switch (sysdig's switch): they look threads up, never create them. */
    private static final boolean[] SWITCH = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** Metadata events (container, plugin): no thread at all. */
    private static final boolean[] META = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** Container metadata events with a JSON description. */
    private static final boolean[] CONTAINER_JSON = new boolean[EventTables.EVENT_CODE_LIMIT];

    static {
        Arrays.fill(ACTIONS, Action.NONE);
        Arrays.fill(ENTER_FD, (short) -1);
        for (EventType t : EventTypes.all()) {
            int c = t.code();
            short[] s = new short[NAMES.length];
            for (int n = 0; n < NAMES.length; n++) {
                s[n] = (short) t.paramIndex(NAMES[n]);
            }
            SLOTS[c] = s;
            FLAGS[c] = t.flags();
            for (int i = 0; i < t.nparams(); i++) {
                if (t.params().get(i).type() == EventTables.PT_FD) {
                    ENTER_FD[c] = (short) i;
                    break;
                }
            }
            SWITCH[c] = t.category() == EventTables.EC_SCHEDULER;
            CONTAINER_JSON[c] = t.name().equals("container") && t.paramIndex("json") == 0;
            META[c] = CONTAINER_JSON[c]
                    || t.name().equals("pluginevent")
                    || t.name().equals("asyncevent")
                    || t.name().matches("(user|group)(added|deleted)");
            if (t.isEnter()) {
                if (t.name().equals("procexit")) {
                    ACTIONS[c] = Action.PROCEXIT;
                } else if (t.name().equals("connect")) {
                    ACTIONS[c] = Action.CONNECT;
                }
                continue;
            }
            ACTIONS[c] = switch (t.name()) {
                case "clone", "fork", "vfork", "clone3" -> Action.CLONE;
                case "execve", "execveat" -> Action.EXECVE;
                case "open", "openat", "openat2", "creat" -> Action.OPEN;
                case "socket" -> Action.SOCKET;
                case "connect" -> Action.CONNECT;
                case "accept", "accept4" -> Action.ACCEPT;
                case "bind" -> Action.BIND;
                case "pipe", "pipe2" -> Action.PIPE;
                case "socketpair" -> Action.SOCKETPAIR;
                case "dup", "dup2", "dup3" -> Action.DUP;
                case "fcntl" -> Action.FCNTL;
                case "close" -> Action.CLOSE;
                case "chdir" -> Action.CHDIR;
                case "fchdir" -> Action.FCHDIR;
                case "getcwd" -> Action.GETCWD;
                case "setuid" -> Action.SETUID;
                case "setgid" -> Action.SETGID;
                case "setresuid" -> Action.SETRESUID;
                case "setresgid" -> Action.SETRESGID;
                case "getrlimit", "setrlimit" -> Action.GETSETRLIMIT;
                case "prlimit" -> Action.PRLIMIT;
                case "setsid" -> Action.SETSID;
                case "brk", "mmap", "mmap2", "munmap" -> Action.MEMORY;
                case "recvfrom", "recvmsg", "read", "readv", "pread", "preadv", "recv" -> Action.RECV_TUPLE;
                case "sendto", "sendmsg", "write", "writev", "pwrite", "pwritev", "send" -> Action.SEND_TUPLE;
                case "eventfd",
                        "eventfd2",
                        "signalfd",
                        "signalfd4",
                        "timerfd_create",
                        "inotify_init",
                        "inotify_init1",
                        "epoll_create",
                        "epoll_create1",
                        "memfd_create",
                        "userfaultfd",
                        "io_uring_setup",
                        "bpf" -> Action.NEWFD;
                default -> Action.NONE;
            };
            NEWFD_TYPE[c] = switch (t.name()) {
                case "eventfd", "eventfd2" -> FdType.EVENT;
                case "signalfd", "signalfd4" -> FdType.SIGNALFD;
                case "timerfd_create" -> FdType.TIMERFD;
                case "inotify_init", "inotify_init1" -> FdType.INOTIFY;
                case "epoll_create", "epoll_create1" -> FdType.EVENTPOLL;
                case "memfd_create" -> FdType.MEMFD;
                case "userfaultfd" -> FdType.USERFAULTFD;
                case "io_uring_setup" -> FdType.IO_URING;
                case "bpf" -> FdType.BPF;
                default -> null;
            };
        }
    }

    private final ThreadTable threads;
    private final Event enter = new Event();
    private final SocketAddressParam sock = new SocketAddressParam();
    private final byte[] ipA = new byte[16];
    private final byte[] ipB = new byte[16];
    private ThreadInfo current;
    private FdInfo currentFd;
    private boolean fdNameChanged;
    private boolean paired;
    /** A thread procexit marked: removed when the next event starts, as sysdig does. */
    private long tidToRemove = -1;
    /** A descriptor a successful close removes when the next event starts (so the close itself still shows it). */
    private FdTable fdTableToClean;

    private long fdToRemove = -1;
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

    public StateTracker(ThreadTable threads) {
        this.threads = threads;
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
                onOldContainer(e);
            }
            return;
        }
        if (META[code]) {
            if (CONTAINER_JSON[code]) {
                onContainerJson(e);
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
                contextSwitch(t, e, slot);
            }
            return;
        }
        if (t == null) {
            if (cloneExit) {
                onClone(null, e, slot);
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
                onConnectEnter(e, slot);
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
                currentFd = threads.fd(t, t.lastEventFd);
            }
        }
        switch (action) {
            case CLONE -> onClone(t, e, slot);
            case EXECVE -> onExecve(t, e, slot);
            case OPEN -> onOpen(t, e, slot);
            case SOCKET -> onSocket(t, e, slot);
            case CONNECT -> onConnect(e, slot);
            case ACCEPT -> onAccept(t, e, slot);
            case BIND -> onBind(e, slot);
            case PIPE -> onPipe(t, e, slot);
            case SOCKETPAIR -> onSocketPair(t, e, slot);
            case DUP -> onDup(t, e, slot);
            case FCNTL -> onFcntl(t, e, slot);
            case CLOSE -> onClose(t, e, slot);
            case CHDIR -> onChdir(t, e, slot);
            case FCHDIR -> onFchdir(t, e, slot);
            case GETCWD -> onGetcwd(t, e, slot);
            case SETUID, SETGID, SETRESUID, SETRESGID -> onSetIds(t, e, slot, action);
            case NEWFD -> onNewFd(t, e, slot, NEWFD_TYPE[code]);
            case MEMORY -> onMemory(t, e, slot);
            case RECV_TUPLE, SEND_TUPLE -> onReadWrite(t, e, slot, (flags & EventTables.EF_READS_FROM_FD) != 0);
            case GETSETRLIMIT -> onGetSetRlimit(t, e, slot);
            case PRLIMIT -> onPrlimit(e, slot);
            case SETSID -> onSetsid(t, e, slot);
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

    /** A container JSON event: the container it describes joins the table's containers. */
    private void onContainerJson(Event e) {
        if (e.nparams() < 1) {
            return;
        }
        ContainerInfo c = ContainerInfo.fromJson(e.paramAsString(0));
        if (c != null) {
            threads.addContainer(c);
        }
    }

    /** The old container event (id, type, name, image). */
    private void onOldContainer(Event e) {
        int id = e.type().paramIndex("id");
        int name = e.type().paramIndex("name");
        int image = e.type().paramIndex("image");
        int type = e.type().paramIndex("type");
        if (id < 0 || id >= e.nparams()) {
            return;
        }
        threads.addContainer(new ContainerInfo(
                e.paramAsString(id),
                type >= 0 && type < e.nparams() && e.paramLength(type) == 4 ? (int) e.paramAsLong(type) : -1,
                name >= 0 && name < e.nparams() ? e.paramAsString(name) : "",
                image >= 0 && image < e.nparams() ? e.paramAsString(image) : ""));
    }

    /** sysdig's parse_context_switch: the thread's page faults, its process's memory sizes. */
    private void contextSwitch(ThreadInfo t, Event e, short[] s) {
        t.pfMajor = longParam(e, s[P_PGFT_MAJ], t.pfMajor);
        t.pfMinor = longParam(e, s[P_PGFT_MIN], t.pfMinor);
        ThreadInfo main = threads.mainThread(t);
        if (main != null) {
            main.vmSizeKb = longParam(e, s[P_VM_SIZE], main.vmSizeKb);
            main.vmRssKb = longParam(e, s[P_VM_RSS], main.vmRssKb);
            main.vmSwapKb = longParam(e, s[P_VM_SWAP], main.vmSwapKb);
        }
    }

    /** brk, mmap, mmap2, munmap: the thread's memory sizes. */
    private static void onMemory(ThreadInfo t, Event e, short[] s) {
        t.vmSizeKb = longParam(e, s[P_VM_SIZE], t.vmSizeKb);
        t.vmRssKb = longParam(e, s[P_VM_RSS], t.vmRssKb);
        t.vmSwapKb = longParam(e, s[P_VM_SWAP], t.vmSwapKb);
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

    private static long longParam(Event e, short idx, long dflt) {
        if (idx < 0 || idx >= e.nparams()) {
            return dflt;
        }
        int len = e.paramLength(idx);
        return len == 1 || len == 2 || len == 4 || len == 8 ? e.paramAsLong(idx) : dflt;
    }

    private static String stringParam(Event e, short idx) {
        return idx >= 0 && idx < e.nparams() ? e.paramAsString(idx) : "";
    }

    /** A NUL-separated list parameter (args, env, cgroups) as strings. */
    private static List<String> listParam(Event e, short idx) {
        if (idx < 0 || idx >= e.nparams()) {
            return List.of();
        }
        byte[] b = e.paramBytes(idx);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(new String(b, start, b.length - start, java.nio.charset.StandardCharsets.UTF_8));
        }
        return List.copyOf(out);
    }

    /**
     * An environment as sysdig's set_env keeps it: it stops at an empty entry when only NULs follow, so the
     * zero padding after the last variable adds no empty entries (which proc.env would show as spaces).
     */
    static List<String> sysdigEnv(List<String> env) {
        int n = env.size();
        while (n > 0 && env.get(n - 1).isEmpty()) {
            n--;
        }
        return n == env.size() ? env : List.copyOf(env.subList(0, n));
    }

    // ---- processes and threads

    /**
     * sysdig's parse_clone_exit. The caller's exit (res = child tid) creates the child from the caller; the
     * child's own exit (res = 0) creates it only when the caller's exit has not (an "inverted" clone), else
     * at most updates its namespace ids. Inside a pid namespace only the child's own exit creates it.
     */
    private void onClone(ThreadInfo evtThread, Event e, short[] s) {
        long tid = e.tid();
        long childTid = longParam(e, s[P_RES], -1);
        int flags = (int) longParam(e, s[P_FLAGS], 0);
        if (childTid < 0) {
            return;
        }
        long vtid = s[P_VTID] >= 0 ? longParam(e, s[P_VTID], tid) : tid;
        long vpid = s[P_VPID] >= 0 ? longParam(e, s[P_VPID], -1) : -1;
        boolean inContainer = tid != vtid;
        boolean inverted = false;
        if (childTid == 0) {
            if (evtThread != null && evtThread.cloneTs != 0 && e.ts() - evtThread.cloneTs > CLONE_STALE_TIME_NS) {
                threads.remove(tid, true);
                evtThread = null;
                current = null;
            }
            long parentTid =
                    (flags & ThreadInfo.CLONE_THREAD) != 0 ? longParam(e, s[P_PID], -1) : longParam(e, s[P_PTID], -1);
            if (evtThread != null) {
                if (inContainer) {
                    evtThread.vtid = vtid;
                    evtThread.vpid = vpid;
                }
                return;
            }
            inverted = true;
            childTid = tid;
            tid = parentTid;
        } else if (inContainer) {
            return;
        }
        ThreadInfo parent = threads.getOrCreate(tid);
        if (parent == null) {
            return;
        }
        boolean validParent = !(ThreadTable.UNKNOWN.equals(parent.comm) && parent.uid == -1);
        boolean collision = false;
        ThreadInfo existing = threads.get(childTid);
        if (existing != null) {
            if ((existing.flags & ThreadInfo.CLONE_INVERTED) != 0) {
                return;
            }
            threads.remove(childTid, true);
            collision = true;
        }
        ThreadInfo child = new ThreadInfo(childTid);
        child.ptid = tid;
        child.loginUid = 0; // sysdig's new thread record: kept when no caller's login uid is copied
        if (validParent) {
            inheritImage(child, parent, flags);
        } else {
            // A caller sysdig knew nothing about: look it up again; failing that, the event tells the image.
            threads.remove(tid, true);
            collision = true;
            parent = threads.getOrCreate(tid);
            if (parent == null) {
                return;
            }
            if (!(ThreadTable.UNKNOWN.equals(parent.comm) && parent.uid == -1)) {
                inheritImage(child, parent, flags);
            } else {
                child.exe = stringParam(e, s[P_EXE]);
                child.comm = s[P_COMM] >= 0 ? stringParam(e, s[P_COMM]) : child.exe;
                child.args = listParam(e, s[P_ARGS]);
                parent.comm = child.comm;
                parent.exe = child.exe;
                parent.exepath = child.exepath;
                parent.args = child.args;
            }
        }
        child.pid = (flags & ThreadInfo.CLONE_THREAD) != 0 ? longParam(e, s[P_PID], childTid) : childTid;
        child.flags = flags;
        if ((flags & ThreadInfo.CLONE_THREAD) == 0) {
            FdTable parentFds = threads.fdTable(parent);
            child.fds = parentFds != null ? parentFds.copy() : new FdTable();
            child.cwd = threads.cwd(parent);
        }
        if (inverted) {
            child.flags |= ThreadInfo.CLONE_INVERTED;
        }
        child.exe = stringParam(e, s[P_EXE]);
        child.comm = s[P_COMM] >= 0 ? stringParam(e, s[P_COMM]) : child.exe;
        child.args = listParam(e, s[P_ARGS]);
        child.fdLimit = longParam(e, s[P_FDLIMIT], child.fdLimit);
        child.pfMajor = longParam(e, s[P_PGFT_MAJ], child.pfMajor);
        child.pfMinor = longParam(e, s[P_PGFT_MIN], child.pfMinor);
        child.vmSizeKb = longParam(e, s[P_VM_SIZE], child.vmSizeKb);
        child.vmRssKb = longParam(e, s[P_VM_RSS], child.vmRssKb);
        child.vmSwapKb = longParam(e, s[P_VM_SWAP], child.vmSwapKb);
        child.uid = (int) longParam(e, s[P_UID], child.uid);
        child.gid = (int) longParam(e, s[P_GID], child.gid);
        if (inContainer) {
            child.vtid = vtid;
            child.vpid = vpid;
        } else {
            child.vtid = child.tid;
            child.vpid = child.pid;
        }
        if (s[P_CGROUPS] >= 0) {
            child.cgroups = Containers.sysdigNames(listParam(e, s[P_CGROUPS]));
            child.containerId = Containers.idFromCgroups(child.cgroups);
        }
        child.cloneTs = e.ts();
        child.startTs = e.ts();
        threads.add(child);
        if (collision) {
            current = threads.get(e.tid());
        }
    }

    /** What a child takes from its caller: the image, the session and group, the terminal and the login uid. */
    private static void inheritImage(ThreadInfo child, ThreadInfo parent, int flags) {
        child.comm = parent.comm;
        child.exe = parent.exe;
        child.exepath = parent.exepath;
        child.exeWritable = parent.exeWritable;
        child.args = parent.args;
        child.sid = parent.sid;
        child.vpgid = parent.vpgid;
        child.tty = parent.tty;
        child.loginUid = parent.loginUid;
        if ((flags & ThreadInfo.CLONE_THREAD) == 0) {
            child.env = parent.env;
        }
    }

    /** sysdig's parse_execve_exit: the new image, ids, limits, cgroups; the clone flags are cleared. */
    private void onExecve(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        t.exe = stringParam(e, s[P_EXE]);
        t.comm = s[P_COMM] >= 0 ? stringParam(e, s[P_COMM]) : t.exe;
        t.args = listParam(e, s[P_ARGS]);
        t.pid = longParam(e, s[P_PID], t.pid);
        if (t.ptid == -1) {
            t.ptid = longParam(e, s[P_PTID], t.ptid);
        }
        t.fdLimit = longParam(e, s[P_FDLIMIT], t.fdLimit);
        t.pfMajor = longParam(e, s[P_PGFT_MAJ], t.pfMajor);
        t.pfMinor = longParam(e, s[P_PGFT_MIN], t.pfMinor);
        t.vmSizeKb = longParam(e, s[P_VM_SIZE], t.vmSizeKb);
        t.vmRssKb = longParam(e, s[P_VM_RSS], t.vmRssKb);
        t.vmSwapKb = longParam(e, s[P_VM_SWAP], t.vmSwapKb);
        if (s[P_ENV] >= 0) {
            t.env = sysdigEnv(listParam(e, s[P_ENV]));
        }
        if (s[P_CGROUPS] >= 0) {
            t.cgroups = Containers.sysdigNames(listParam(e, s[P_CGROUPS]));
            t.containerId = Containers.idFromCgroups(t.cgroups);
        }
        t.tty = (int) longParam(e, s[P_TTY], t.tty);
        if (paired) {
            // The enter's filename is the path executed (sysdig's exepath), against the working directory.
            short[] es = SLOTS[enter.typeCode()];
            short f = es[P_FILENAME] >= 0 ? es[P_FILENAME] : es[P_PATHNAME];
            if (f >= 0 && f < enter.nparams()) {
                String filename = stringParam(enter, f);
                t.exepath = filename.startsWith(ThreadTable.UNKNOWN)
                        ? ThreadTable.UNKNOWN
                        : Paths.resolve(threads.cwd(t), filename);
            }
        }
        t.vpgid = longParam(e, s[P_PGID], t.vpgid);
        t.loginUid = (int) longParam(e, s[P_LOGINUID], t.loginUid);
        if (s[P_FLAGS] >= 0 && s[P_FLAGS] < e.nparams()) {
            t.exeWritable = (longParam(e, s[P_FLAGS], 0) & EventTables.EXE_WRITABLE) != 0;
        }
        t.flags = t.flags & ThreadInfo.CLONE_INVERTED;
    }

    // ---- files

    /**
     * The directory an *at path is relative to (sysdig's parse_openat_dir). Like sysdig, a real dirfd becomes
     * the event's descriptor until the open adds its own.
     */
    private String dirOf(ThreadInfo t, String name, long dirfd) {
        if (!name.isEmpty() && name.charAt(0) == '/') {
            return "";
        }
        if (dirfd == EventTables.AT_FDCWD) {
            return threads.cwd(t);
        }
        currentFd = threads.fd(t, dirfd);
        return currentFd != null ? currentFd.name() : "<UNKNOWN>";
    }

    /**
     * sysdig's parse_open_openat_creat_exit: a successful open adds a file or directory. The exits that carry
     * their dirfd (openat, openat2 of current drivers) stand alone; the others need their enter (the old openat
     * takes every parameter from it).
     */
    private void onOpen(ThreadInfo t, Event e, short[] s) {
        boolean standalone = s[P_NAME] >= 0 && s[P_DIRFD] >= 0;
        if (!standalone && !paired) {
            return;
        }
        Event src = s[P_NAME] >= 0 ? e : enter;
        short[] ss = src == e ? s : SLOTS[enter.typeCode()];
        long fd = longParam(e, s[P_FD], -1);
        String name = stringParam(src, ss[P_NAME]);
        int flags = (int) longParam(src, ss[P_FLAGS], 0);
        String dir =
                ss[P_DIRFD] >= 0 ? dirOf(t, name, longParam(src, ss[P_DIRFD], EventTables.AT_FDCWD)) : threads.cwd(t);
        String path = Paths.resolve(dir, name);
        if (fd < 0) {
            return;
        }
        FdType type = (flags & EventTables.O_DIRECTORY) != 0 ? FdType.DIRECTORY : FdType.FILE;
        addFd(t, new FdInfo(fd).set(type, path, flags).dev((int) longParam(e, s[P_DEV], 0)));
    }

    /** Adds (or replaces) a descriptor in the thread's table; it becomes the event's and the thread's last. */
    private FdInfo addFd(ThreadInfo t, FdInfo f) {
        FdTable table = threads.fdTable(t);
        if (table != null) {
            table.put(f);
        }
        t.lastEventFd = f.fd();
        currentFd = f;
        return f;
    }

    private void onChdir(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0) {
            setCwd(t, stringParam(e, s[P_PATH]));
        }
    }

    private void onFchdir(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0 && currentFd != null) {
            setCwd(t, currentFd.name());
        }
    }

    private void onGetcwd(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0) {
            setCwd(t, stringParam(e, s[P_PATH]));
        }
    }

    /** sysdig's set_cwd: the main thread's directory, resolved against the current one, with a trailing /. */
    private void setCwd(ThreadInfo t, String dir) {
        ThreadInfo main = threads.mainThread(t);
        if (main == null) {
            return;
        }
        String cwd = Paths.resolve(main.cwd, dir);
        main.cwd = cwd.endsWith("/") ? cwd : cwd + "/";
    }

    // ---- sockets

    /** sysdig's parse_socket_exit: inet, unix and netlink sockets (others are not kept). */
    private void onSocket(ThreadInfo t, Event e, short[] s) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0 || !paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        int domain = (int) longParam(enter, es[P_DOMAIN], -1);
        int type = (int) longParam(enter, es[P_TYPE], 0);
        int proto = (int) longParam(enter, es[P_PROTO], 0);
        addSocket(t, fd, domain, type, proto);
    }

    private void addSocket(ThreadInfo t, long fd, int domain, int type, int proto) {
        FdInfo f = new FdInfo(fd);
        if (domain == EventTables.AF_UNIX) {
            f.set(FdType.UNIX, "", 0);
        } else if (domain == EventTables.AF_INET || domain == EventTables.AF_INET6) {
            f.set(domain == EventTables.AF_INET ? FdType.IPV4 : FdType.IPV6, "", 0);
            f.tupleL4proto(l4protoOf(type, proto));
        } else if (domain == 16) { // AF_NETLINK
            f.set(FdType.NETLINK, "", 0);
        } else {
            return;
        }
        addFd(t, f);
    }

    /** sysdig's transport protocol of a new socket from its type and protocol. */
    private static int l4protoOf(int type, int proto) {
        final int sockStream = 1, sockDgram = 2, sockRaw = 3;
        return switch (proto) {
            case 6 -> type == sockRaw ? FdInfo.L4_RAW : FdInfo.L4_TCP;
            case 17 -> type == sockRaw ? FdInfo.L4_RAW : FdInfo.L4_UDP;
            case 0 ->
                (type & 0xff) == sockStream
                        ? FdInfo.L4_TCP
                        : (type & 0xff) == sockDgram ? FdInfo.L4_UDP : FdInfo.L4_UNKNOWN;
            case 1 -> type == sockRaw ? FdInfo.L4_RAW : FdInfo.L4_ICMP;
            case 255 -> FdInfo.L4_RAW;
            default -> FdInfo.L4_UNKNOWN;
        };
    }

    private boolean readSocket(Event e, short idx) {
        return idx >= 0 && idx < e.nparams() && e.paramAsSocket(idx, sock);
    }

    /** The tuple in {@link #sock} is IPv4-mapped IPv6 at both ends: sysdig keeps it as an IPv4 socket. */
    private boolean mappedTuple() {
        sock.copySourceAddress(ipA);
        sock.copyDestinationAddress(ipB);
        return SocketNames.isV4Mapped(ipA) && SocketNames.isV4Mapped(ipB);
    }

    /** Writes the tuple in {@link #sock} into {@code f} as the given family; false when it did not change. */
    private boolean setTuple(FdInfo f, boolean asV4FromMapped) {
        sock.copySourceAddress(ipA);
        sock.copyDestinationAddress(ipB);
        if (asV4FromMapped) {
            System.arraycopy(ipA, 12, ipA, 0, 4);
            System.arraycopy(ipB, 12, ipB, 0, 4);
        }
        return f.tuple(ipA, sock.sourcePort(), ipB, sock.destinationPort());
    }

    /** sysdig's parse_bind_exit: a socket bound to a port becomes a server socket. */
    private void onBind(Event e, short[] s) {
        FdInfo f = currentFd;
        if (f == null || longParam(e, s[P_RES], -1) < 0 || !readSocket(e, s[P_ADDR])) {
            return;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            int port = sock.sourcePort();
            if (port > 0) {
                int l4 = f.storedL4proto();
                sock.copySourceAddress(ipA);
                if (fam == SocketAddressParam.AF_INET6 && SocketNames.isV4Mapped(ipA)) {
                    System.arraycopy(ipA, 12, ipA, 0, 4);
                    f.type(FdType.IPV4);
                } else {
                    f.type(fam == SocketAddressParam.AF_INET ? FdType.IPV4 : FdType.IPV6);
                }
                f.serverSocket(true)
                        .serverAddress(ipA, port)
                        .serverSocketL4proto(l4)
                        .role(FdInfo.Role.SERVER);
            }
        }
        f.name(SocketNames.addressText(sock));
    }

    /**
     * sysdig's parse_connect_enter: the destination of an inet socket (its name waits for the exit), the name of a
     * unix one, so that a connect that fails still leaves them.
     */
    private void onConnectEnter(Event e, short[] s) {
        FdInfo f = currentFd;
        if (f == null || !readSocket(e, s[P_ADDR])) {
            return;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            sock.copySourceAddress(ipA);
            boolean v4 = fam == SocketAddressParam.AF_INET || SocketNames.isV4Mapped(ipA);
            if (fam == SocketAddressParam.AF_INET6 && v4) {
                System.arraycopy(ipA, 12, ipA, 0, 4);
            }
            f.type(v4 ? FdType.IPV4 : FdType.IPV6).serverSocket(false).tupleDestination(ipA, sock.sourcePort());
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.name(SocketNames.addressText(sock));
        }
    }

    /** sysdig's parse_connect_exit: the tuple and the name; a socket with no role becomes a client. */
    private void onConnect(Event e, short[] s) {
        FdInfo f = currentFd;
        if (f == null) {
            return;
        }
        long res = longParam(e, s[P_RES], 0);
        if (res < 0 && res != -EINPROGRESS) {
            return;
        }
        f.connected(true);
        if (!readSocket(e, s[P_TUPLE])) {
            return;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            // Like sysdig: the kind changes to a connection socket; its protocol is whatever the socket-info
            // area holds there (the socket's own, a server socket's address does not overlap it).
            boolean v4 = fam == SocketAddressParam.AF_INET || mappedTuple();
            f.type(v4 ? FdType.IPV4 : FdType.IPV6).serverSocket(false);
            boolean changed = setTuple(f, v4 && fam == SocketAddressParam.AF_INET6);
            boolean udpServer = f.role() == FdInfo.Role.SERVER && isUdp(f);
            if (changed && udpServer) {
                f.swapTuple();
            }
            f.name(udpServer ? SocketNames.sockinfoText(f) : SocketNames.tupleText(sock));
        } else {
            f.name(SocketNames.tupleText(sock));
            if (fam == SocketAddressParam.AF_UNIX) {
                f.unixAddresses(sock.sourceSocket(), sock.destinationSocket());
            }
        }
        if (f.role() == FdInfo.Role.NONE) {
            f.role(FdInfo.Role.CLIENT);
        }
    }

    /** sysdig's parse_accept_exit: a new connected server-role socket from the tuple. */
    private void onAccept(ThreadInfo t, Event e, short[] s) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0) {
            return;
        }
        t.lastEventFd = fd;
        if (!readSocket(e, s[P_TUPLE])) {
            return;
        }
        FdInfo f = new FdInfo(fd);
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            boolean v4 = fam == SocketAddressParam.AF_INET || mappedTuple();
            f.set(v4 ? FdType.IPV4 : FdType.IPV6, "", 0);
            setTuple(f, v4 && fam == SocketAddressParam.AF_INET6);
            f.tupleL4proto(FdInfo.L4_TCP);
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.set(FdType.UNIX, "", 0).unixAddresses(sock.sourceSocket(), sock.destinationSocket());
        } else {
            return;
        }
        f.name(SocketNames.tupleText(sock));
        f.role(FdInfo.Role.SERVER).connected(true);
        addFd(t, f);
    }

    /**
     * sysdig's parse_rw_exit: a successful read or write marks an inet socket connected; recvfrom/recvmsg (their
     * tuple) and sendto/sendmsg (their enter's) fill a socket that has no name yet or is not TCP.
     */
    private void onReadWrite(ThreadInfo t, Event e, short[] s, boolean read) {
        FdInfo f = currentFd;
        if (f == null || longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        if (f.isInetTuple()) {
            f.connected(true);
        }
        if (!f.name().isEmpty() && isTcp(f)) {
            return;
        }
        Event src;
        short idx;
        if (read) {
            src = e;
            idx = s[P_TUPLE];
        } else {
            if (!paired) {
                return;
            }
            src = enter;
            idx = SLOTS[enter.typeCode()][P_TUPLE];
        }
        if (idx < 0 || !updateFd(f, src, idx)) {
            return;
        }
        if (f.isInetTuple()) {
            if (f.role() == FdInfo.Role.NONE) {
                guessRole(t, f, read);
            }
            if (read ? f.role() == FdInfo.Role.CLIENT : f.role() == FdInfo.Role.SERVER) {
                f.swapTuple();
            }
            f.name(SocketNames.sockinfoText(f));
        } else {
            f.name(SocketNames.tupleText(sock));
        }
    }

    /** sysdig's is_tcp_socket / is_udp_socket: IPv4 connection sockets only. */
    private static boolean isTcp(FdInfo f) {
        return f.type() == FdType.IPV4 && !f.isServerSocket() && f.storedL4proto() == FdInfo.L4_TCP;
    }

    private static boolean isUdp(FdInfo f) {
        return f.type() == FdType.IPV4 && !f.isServerSocket() && f.storedL4proto() == FdInfo.L4_UDP;
    }

    /** sysdig's update_fd: a tuple parameter into the descriptor; false when there is none or it did not change. */
    private boolean updateFd(FdInfo f, Event src, short idx) {
        if (!readSocket(src, idx)) {
            return false;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET) {
            if (f.isServerSocket() && f.type() == FdType.IPV4) {
                int l4 = f.storedL4proto();
                f.serverSocket(false).tupleL4proto(l4);
            }
            f.type(FdType.IPV4).serverSocket(false);
            if (!setTuple(f, false)) {
                return false;
            }
        } else if (fam == SocketAddressParam.AF_INET6) {
            if (mappedTuple()) {
                f.type(FdType.IPV4).serverSocket(false);
                if (!setTuple(f, true)) {
                    return false;
                }
            } else if (!setTuple(f, false)) {
                return false;
            }
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.type(FdType.UNIX).serverSocket(false);
            f.unixAddresses(sock.sourceSocket(), sock.destinationSocket());
            f.name(sock.unixPath());
            return true;
        } else {
            return false;
        }
        if (f.isInetTuple() && f.storedL4proto() == FdInfo.L4_UNKNOWN) {
            f.tupleL4proto(FdInfo.L4_UDP);
        }
        threads.interfaces().completeTuple(f);
        return true;
    }

    /** sysdig's set_net_role_by_guessing: server if the process owns the destination port. */
    private void guessRole(ThreadInfo t, FdInfo f, boolean incoming) {
        FdTable table = threads.fdTable(t);
        if (table == null || f.type() != FdType.IPV4 && f.type() != FdType.IPV6) {
            f.role(FdInfo.Role.CLIENT);
            return;
        }
        if (table.isBoundToPort(f.tupleDestinationPort())) {
            if (table.usesClientPort(f.tupleSourcePort())) {
                f.role(incoming ? FdInfo.Role.SERVER : FdInfo.Role.CLIENT);
            } else {
                f.role(FdInfo.Role.SERVER);
            }
        } else {
            f.role(FdInfo.Role.CLIENT);
        }
    }

    // ---- other descriptors

    private void onPipe(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        long fd1 = longParam(e, s[P_FD1], -1);
        long fd2 = longParam(e, s[P_FD2], -1);
        long ino = longParam(e, s[P_INO], 0);
        // sysdig names a pipe it saw created "" (only pipes found in /proc get pipe:[inode]); the inode is kept.
        addFd(t, new FdInfo(fd1).set(FdType.PIPE, "", 0).ino(ino));
        addFd(t, new FdInfo(fd2).set(FdType.PIPE, "", 0).ino(ino));
    }

    private void onSocketPair(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        long fd1 = longParam(e, s[P_FD1], -1);
        long fd2 = longParam(e, s[P_FD2], -1);
        long source = longParam(e, s[P_SOURCE], 0);
        long peer = longParam(e, s[P_PEER], 0);
        FdInfo first = addFd(t, new FdInfo(fd1).set(FdType.UNIX, "", 0).unixAddresses(source, peer));
        addFd(t, first.copyAs(fd2));
        currentFd = first;
    }

    /** dup, dup2, dup3: the new fd is a copy of the old one (the enter's fd). */
    private void onDup(ThreadInfo t, Event e, short[] s) {
        long newFd = longParam(e, s[P_RES], -1);
        if (newFd < 0 || currentFd == null) {
            return;
        }
        addFd(t, currentFd.copyAs(newFd));
    }

    /** fcntl F_DUPFD / F_DUPFD_CLOEXEC: as dup. */
    private void onFcntl(ThreadInfo t, Event e, short[] s) {
        if (!paired) {
            return;
        }
        long cmd = longParam(enter, SLOTS[enter.typeCode()][P_CMD], -1);
        if (cmd != EventTables.FCNTL_F_DUPFD && cmd != EventTables.FCNTL_F_DUPFD_CLOEXEC) {
            return;
        }
        long res = longParam(e, s[P_RES], -1);
        if (res >= 0 && currentFd != null) {
            addFd(t, currentFd.copyAs(res));
        }
    }

    /** A successful close removes the descriptor when the next event starts. */
    private void onClose(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0 && currentFd != null) {
            fdTableToClean = threads.fdTable(t);
            fdToRemove = t.lastEventFd;
        }
    }

    private void onNewFd(ThreadInfo t, Event e, short[] s, FdType type) {
        short idx = s[P_FD] >= 0 ? s[P_FD] : s[P_RES];
        long fd = longParam(e, idx, -1);
        if (fd < 0 || type == null) {
            return;
        }
        String name = type == FdType.MEMFD ? "memfd:" + stringParam(e, s[P_NAME]) : "";
        addFd(t, new FdInfo(fd).set(type, name, 0));
    }

    // ---- credentials and limits

    private void onSetIds(ThreadInfo t, Event e, short[] s, Action a) {
        if (longParam(e, s[P_RES], -1) < 0 || !paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        switch (a) {
            case SETUID -> t.uid = (int) longParam(enter, es[P_UID], t.uid);
            case SETGID -> t.gid = (int) longParam(enter, es[P_GID], t.gid);
            case SETRESUID -> {
                long euid = longParam(enter, es[P_EUID], -1) & 0xffffffffL;
                if (euid < 0xffffffffL) {
                    t.uid = (int) euid;
                }
            }
            case SETRESGID -> {
                long egid = longParam(enter, es[P_EGID], -1) & 0xffffffffL;
                if (egid < 0xffffffffL) {
                    t.gid = (int) egid;
                }
            }
            default -> {}
        }
    }

    private void onGetSetRlimit(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0 || !paired) {
            return;
        }
        if (longParam(enter, SLOTS[enter.typeCode()][P_RESOURCE], -1) != EventTables.RLIMIT_NOFILE) {
            return;
        }
        long cur = longParam(e, s[P_CUR], -1);
        ThreadInfo main = threads.mainThread(t);
        if (cur != -1 && main != null) {
            main.fdLimit = cur;
        }
    }

    private void onPrlimit(Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0 || !paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        if (longParam(enter, es[P_RESOURCE], -1) != EventTables.RLIMIT_NOFILE) {
            return;
        }
        long cur = longParam(e, s[P_NEWCUR], -1);
        if (cur == -1) {
            return;
        }
        ThreadInfo target = threads.getOrCreate(longParam(enter, es[P_PID], -1));
        ThreadInfo main = target != null ? threads.mainThread(target) : null;
        if (main != null) {
            main.fdLimit = cur;
        }
    }

    private static void onSetsid(ThreadInfo t, Event e, short[] s) {
        long res = longParam(e, s[P_RES], -1);
        if (res >= 0) {
            t.sid = res;
        }
    }
}

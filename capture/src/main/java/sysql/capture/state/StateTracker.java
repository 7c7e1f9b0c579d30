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
 * current, the way sysdig's parsers do — clone/fork children inherit from the parent, execve replaces the
 * image and closes O_CLOEXEC descriptors, chdir moves cwd, the setuid family changes ids, procexit removes the
 * thread after its last event; open/socket/connect/accept/pipe/dup/fcntl/eventfd/... create or update
 * descriptors, close removes them. Event types are recognized by sysdig's name and parameters by name, so
 * every version of an event (old capture files included) is handled alike.
 *
 * <p>After {@link #onEvent(Event)} the event's thread is {@link #thread()} and the descriptor it refers to
 * (if any) is {@link #fd()} / {@link #fdNum()}, ready for field extraction. Nothing is allocated per event
 * on the common paths (I/O on known descriptors); creating state (a new fd, a new thread) allocates.
 */
public final class StateTracker {
    private static final long AT_FDCWD = -100;
    private static final int O_DIRECTORY = 1 << 10; // sysdig's PPM_O_DIRECTORY
    private static final int O_CLOEXEC = 1 << 12;   // sysdig's PPM_O_CLOEXEC
    private static final int CL_CLONE_FILES = 1;    // sysdig's PPM_CL_CLONE_FILES
    private static final int CL_CLONE_THREAD = 1 << 13;
    private static final int F_DUPFD = 1;           // sysdig's PPM_FCNTL_F_DUPFD
    private static final int F_DUPFD_CLOEXEC = 26;  // sysdig's PPM_FCNTL_F_DUPFD_CLOEXEC

    // Parameter names the parsers read; SLOTS[code][n] is the parameter's index in that event type, or -1.
    private static final String[] NAMES = {"fd", "res", "name", "dirfd", "flags", "tuple", "addr", "fd1", "fd2",
        "ino", "exe", "args", "tid", "pid", "ptid", "cwd", "fdlimit", "comm", "cgroups", "env", "uid", "gid",
        "vtid", "vpid", "loginuid", "path", "domain", "type", "proto", "cmd", "euid", "egid", "ruid", "rgid",
        "vm_size", "vm_rss", "vm_swap", "filename", "pathname", "dev", "pgft_maj", "pgft_min"};
    private static final int P_FD = 0, P_RES = 1, P_NAME = 2, P_DIRFD = 3, P_FLAGS = 4, P_TUPLE = 5, P_ADDR = 6,
        P_FD1 = 7, P_FD2 = 8, P_INO = 9, P_EXE = 10, P_ARGS = 11, P_TID = 12, P_PID = 13, P_PTID = 14, P_CWD = 15,
        P_FDLIMIT = 16, P_COMM = 17, P_CGROUPS = 18, P_ENV = 19, P_UID = 20, P_GID = 21, P_VTID = 22, P_VPID = 23,
        P_LOGINUID = 24, P_PATH = 25, P_DOMAIN = 26, P_TYPE = 27, P_PROTO = 28, P_CMD = 29, P_EUID = 30,
        P_EGID = 31, P_RUID = 32, P_RGID = 33, P_VM_SIZE = 34, P_VM_RSS = 35, P_VM_SWAP = 36, P_FILENAME = 37,
        P_PATHNAME = 38, P_DEV = 39, P_PGFT_MAJ = 40, P_PGFT_MIN = 41;
    private static final short[][] SLOTS = new short[EventTables.EVENT_CODE_LIMIT][];

    // What each event code does to the state.
    private enum Action {
        NONE, CLONE, EXECVE, PROCEXIT, OPEN, SOCKET, CONNECT, ACCEPT, BIND, PIPE, SOCKETPAIR, DUP, FCNTL, CLOSE,
        CHDIR, FCHDIR, SETUID, SETGID, SETRESUID, SETRESGID, NEWFD
    }

    private static final Action[] ACTIONS = new Action[EventTables.EVENT_CODE_LIMIT];
    private static final FdType[] NEWFD_TYPE = new FdType[EventTables.EVENT_CODE_LIMIT];
    /** True for event codes whose exit's fd comes from the result (creates an fd) rather than the enter. */
    private static final boolean[] CREATES_FD = new boolean[EventTables.EVENT_CODE_LIMIT];
    private static final boolean[] USES_FD = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** Index of the first fd-typed parameter (the fd an event works on, e.g. sendfile's out_fd), or -1. */
    private static final short[] FIRST_FD = new short[EventTables.EVENT_CODE_LIMIT];
    /** Scheduler events (switch): they describe a thread switch, not a thread's own action. */
    private static final boolean[] SCHEDULER = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** Internal events (procinfo...): not a syscall of the thread, never paired with an exit. */
    private static final boolean[] INTERNAL = new boolean[EventTables.EVENT_CODE_LIMIT];

    static {
        Arrays.fill(ACTIONS, Action.NONE);
        for (EventType t : EventTypes.all()) {
            short[] s = new short[NAMES.length];
            Arrays.fill(s, (short) -1);
            for (int n = 0; n < NAMES.length; n++) {
                s[n] = (short) t.paramIndex(NAMES[n]);
            }
            SLOTS[t.code()] = s;
            FIRST_FD[t.code()] = -1;
            for (int i = 0; i < t.nparams(); i++) {
                if (t.params().get(i).type() == EventTables.PT_FD) {
                    FIRST_FD[t.code()] = (short) i;
                    break;
                }
            }
            SCHEDULER[t.code()] = t.category() == EventTables.EC_SCHEDULER;
            INTERNAL[t.code()] = t.category() == EventTables.EC_INTERNAL;
            CREATES_FD[t.code()] = (t.flags() & 1) != 0;     // EF_CREATES_FD
            USES_FD[t.code()] = (t.flags() & (1 << 2)) != 0; // EF_USES_FD
            if (t.isEnter()) {
                if (t.name().equals("procexit")) {
                    ACTIONS[t.code()] = Action.PROCEXIT;
                }
                continue;
            }
            ACTIONS[t.code()] = switch (t.name()) {
                case "clone", "fork", "vfork", "clone3" -> Action.CLONE;
                case "execve", "execveat" -> Action.EXECVE;
                case "open", "openat", "openat2", "creat" -> Action.OPEN;
                case "socket" -> Action.SOCKET;
                case "connect" -> Action.CONNECT;
                case "accept" -> Action.ACCEPT;
                case "bind" -> Action.BIND;
                case "pipe", "pipe2" -> Action.PIPE;
                case "socketpair" -> Action.SOCKETPAIR;
                case "dup", "dup2", "dup3" -> Action.DUP;
                case "fcntl" -> Action.FCNTL;
                case "close" -> Action.CLOSE;
                case "chdir" -> Action.CHDIR;
                case "fchdir" -> Action.FCHDIR;
                case "setuid" -> Action.SETUID;
                case "setgid" -> Action.SETGID;
                case "setresuid" -> Action.SETRESUID;
                case "setresgid" -> Action.SETRESGID;
                case "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "inotify_init",
                     "inotify_init1", "epoll_create", "epoll_create1", "memfd_create", "userfaultfd",
                     "io_uring_setup", "bpf" -> Action.NEWFD;
                default -> Action.NONE;
            };
            NEWFD_TYPE[t.code()] = switch (t.name()) {
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
    private long currentFdNum = -1;
    private ThreadInfo pendingRemoval;
    private long events;

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
        c.pendingRemoval = pendingRemoval == null ? null : copiedThreads.get(pendingRemoval.tid);
        return c;
    }

    public ThreadTable threads() {
        return threads;
    }

    /** The thread of the last event. */
    public ThreadInfo thread() {
        return current;
    }

    /** The descriptor the last event refers to, or null (no fd, or an fd the tables do not know). */
    public FdInfo fd() {
        return currentFd;
    }

    /** The fd number the last event refers to, or -1. */
    public long fdNum() {
        return currentFdNum;
    }

    /** The enter event paired with the last (exit) event, or null. Valid until the next call. */
    public Event pairedEnter() {
        return current != null && current.lastEnterLen > 0 ? enter : null;
    }

    public long eventCount() {
        return events;
    }

    /** Updates the state with {@code e}, the next event in timestamp order. */
    public void onEvent(Event e) {
        events++;
        long tid = e.tid();
        if (pendingRemoval != null) {
            // procexit was that thread's last event: it leaves the table when the next event starts.
            removeThread(pendingRemoval);
            pendingRemoval = null;
        }
        int code = e.typeCode();
        currentFd = null;
        currentFdNum = -1;
        if (tid == 0 || (code < SCHEDULER.length && SCHEDULER[code])) {
            // A context switch (or the idle task) names no thread of its own: known threads only, never
            // created for it.
            current = threads.get(tid);
            if (current != null && code < SLOTS.length && SLOTS[code] != null) {
                updateMemory(current, e, SLOTS[code]);
            }
            return;
        }
        // A clone child's own first event: build it from its parent, never from /proc (see ThreadTable).
        boolean newborn = !e.isEnter() && code < ACTIONS.length && ACTIONS[code] == Action.CLONE
                && SLOTS[code] != null && longParam(e, SLOTS[code][P_RES], -1) == 0;
        ThreadInfo t = threads.getOrCreate(tid, !newborn);
        current = t;
        short[] slot = code < SLOTS.length ? SLOTS[code] : null;
        if (slot == null) {
            return;
        }
        if (e.isEnter()) {
            if (!INTERNAL[code]) {
                rememberEnter(t, e);
            }
            // The fd an enter event works on (a syscall that only creates one has none yet: -1).
            short fdIdx = USES_FD[code] ? FIRST_FD[code] : -1;
            if (fdIdx >= 0 && fdIdx < e.nparams() && e.paramLength(fdIdx) == 8) {
                setFd(t, e.paramAsLong(fdIdx));
            }
            if (ACTIONS[code] == Action.PROCEXIT) {
                t.dead = true;
                pendingRemoval = t;
            }
            return;
        }
        updateMemory(t, e, slot);
        boolean paired = pairEnter(t, code);
        // The descriptor an exit event refers to: the created one, else the enter's.
        if (USES_FD[code] && !CREATES_FD[code] && paired) {
            short efd = FIRST_FD[enter.typeCode()];
            if (efd >= 0 && efd < enter.nparams() && enter.paramLength(efd) == 8) {
                setFd(t, enter.paramAsLong(efd));
            }
        }
        switch (ACTIONS[code]) {
            case CLONE -> onClone(t, e, slot);
            case EXECVE -> onExecve(t, e, slot, paired);
            case OPEN -> onOpen(t, e, slot);
            case SOCKET -> onSocket(t, e, slot, paired);
            case CONNECT -> onConnect(t, e, slot);
            case ACCEPT -> onAccept(t, e, slot);
            case BIND -> onBind(t, e, slot);
            case PIPE -> onPipe(t, e, slot);
            case SOCKETPAIR -> onSocketPair(t, e, slot);
            case DUP -> onDup(t, e, slot, paired);
            case FCNTL -> onFcntl(t, e, slot, paired);
            case CLOSE -> onClose(t, e, slot);
            case CHDIR -> onChdir(t, e, slot);
            case FCHDIR -> onFchdir(t, e, slot);
            case SETUID, SETGID, SETRESUID, SETRESGID -> onSetIds(t, e, slot, ACTIONS[code], paired);
            case NEWFD -> onNewFd(t, e, slot, NEWFD_TYPE[code]);
            default -> { }
        }
    }

    /** Events that carry the thread's memory sizes and page faults (brk, mmap, switch, clone...) update them. */
    private static void updateMemory(ThreadInfo t, Event e, short[] s) {
        if (s[P_VM_SIZE] < 0) {
            return;
        }
        t.vmSizeKb = longParam(e, s[P_VM_SIZE], t.vmSizeKb);
        t.vmRssKb = longParam(e, s[P_VM_RSS], t.vmRssKb);
        t.vmSwapKb = longParam(e, s[P_VM_SWAP], t.vmSwapKb);
        t.pfMajor = longParam(e, s[P_PGFT_MAJ], t.pfMajor);
        t.pfMinor = longParam(e, s[P_PGFT_MIN], t.pfMinor);
    }

    private void removeThread(ThreadInfo t) {
        threads.remove(t.tid);
    }

    private void rememberEnter(ThreadInfo t, Event e) {
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

    /** Wraps the thread's last enter event when it is this exit's enter. */
    private boolean pairEnter(ThreadInfo t, int exitCode) {
        if (t.lastEnterLen == 0 || t.lastEnterType != exitCode - 1) {
            t.lastEnterLen = 0;
            return false;
        }
        t.lastEnterView.limit(t.lastEnterLen);
        enter.wrap(t.lastEnterView, 0, 0);
        return true;
    }

    private void setFd(ThreadInfo t, long fd) {
        currentFdNum = fd;
        currentFd = fd >= 0 ? t.fds.get(fd) : null;
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

    private void onClone(ThreadInfo t, Event e, short[] s) {
        long res = longParam(e, s[P_RES], -1);
        if (res < 0) {
            return;
        }
        long flags = longParam(e, s[P_FLAGS], 0);
        long childTid;
        ThreadInfo parent;
        if (res == 0) {
            // The child's own event: tid/pid/ptid describe the child.
            childTid = e.tid();
            // Inherit from the caller: the process itself for a new thread, the parent for a new process.
            long pid = longParam(e, s[P_PID], -1);
            long ptid = longParam(e, s[P_PTID], -1);
            parent = pid > 0 && pid != childTid ? threads.get(pid) : ptid > 0 ? threads.get(ptid) : null;
            if (parent == null && ptid > 0) {
                // A parent the tables do not know (a thread born after the snapshot of a process whose own
                // events are not captured, e.g. the capturing JVM): it exists, so /proc describes it rightly.
                parent = threads.getOrCreate(ptid);
            }
            ThreadInfo child = t;
            fillFromClone(child, e, s, flags, parent);
            return;
        }
        childTid = res;
        parent = t;
        ThreadInfo child = threads.get(childTid);
        if (child == null || child.dead) {
            child = new ThreadInfo(childTid);
            child.pid = (flags & CL_CLONE_THREAD) != 0 ? parent.pid : childTid;
            child.ptid = (flags & CL_CLONE_THREAD) != 0 ? parent.ptid : parent.tid;
            child.startTs = e.ts();
            fillFromClone(child, e, s, flags, parent);
            threads.put(child);
        }
    }

    /** Fills a child from a clone event and its parent: image, cwd, ids, fd table shared or copied. */
    private void fillFromClone(ThreadInfo child, Event e, short[] s, long flags, ThreadInfo parent) {
        boolean own = child.tid == e.tid();
        if (own) {
            threads.repid(child, longParam(e, s[P_PID], child.pid));
            child.ptid = longParam(e, s[P_PTID], child.ptid);
            if (child.startTs == 0) {
                child.startTs = e.ts();
            }
        }
        child.exe = stringParam(e, s[P_EXE]);
        child.args = listParam(e, s[P_ARGS]);
        child.comm = s[P_COMM] >= 0 ? stringParam(e, s[P_COMM]) : parent != null ? parent.comm : child.exe;
        String cwd = stringParam(e, s[P_CWD]);
        child.cwd = !cwd.isEmpty() ? cwd : parent != null ? parent.cwd : child.cwd;
        child.fdLimit = longParam(e, s[P_FDLIMIT], child.fdLimit);
        child.uid = (int) longParam(e, s[P_UID], parent != null ? parent.uid : child.uid);
        child.gid = (int) longParam(e, s[P_GID], parent != null ? parent.gid : child.gid);
        child.vmSizeKb = longParam(e, s[P_VM_SIZE], child.vmSizeKb);
        child.vmRssKb = longParam(e, s[P_VM_RSS], child.vmRssKb);
        child.vmSwapKb = longParam(e, s[P_VM_SWAP], child.vmSwapKb);
        if (own) {
            child.vtid = longParam(e, s[P_VTID], child.vtid);
            child.vpid = longParam(e, s[P_VPID], child.vpid);
        }
        if (s[P_CGROUPS] >= 0) {
            child.cgroups = listParam(e, s[P_CGROUPS]);
            child.containerId = Containers.idFromCgroups(child.cgroups);
        } else if (parent != null) {
            child.cgroups = parent.cgroups;
            child.containerId = parent.containerId;
        }
        if (parent != null) {
            child.sid = parent.sid;
            child.vpgid = parent.vpgid;
            child.exepath = parent.exepath;
            child.loginUid = parent.loginUid;
            child.env = parent.env;
            ThreadInfo parentMain = threads.mainThread(parent);
            if (child.pid == parent.pid || (flags & CL_CLONE_FILES) != 0) {
                child.fds = parentMain.fds;
            } else if (child.fds == null || child.fds.size() == 0) {
                child.fds = parentMain.fds.copy();
            }
        } else if (child.fds == null) {
            child.fds = new FdTable();
        }
    }

    private void onExecve(ThreadInfo t, Event e, short[] s, boolean paired) {
        if (longParam(e, s[P_RES], -1) != 0) {
            return;
        }
        // The enter event's filename is the path that was executed (sysdig's exepath).
        String filename = "";
        if (paired) {
            short f = SLOTS[enter.typeCode()][P_FILENAME];
            short p = SLOTS[enter.typeCode()][P_PATHNAME];
            filename = f >= 0 ? stringParam(enter, f) : p >= 0 ? stringParam(enter, p) : "";
        }
        t.exe = stringParam(e, s[P_EXE]);
        t.args = listParam(e, s[P_ARGS]);
        t.comm = s[P_COMM] >= 0 ? stringParam(e, s[P_COMM]) : t.comm;
        String cwd = stringParam(e, s[P_CWD]);
        if (!cwd.isEmpty()) {
            t.cwd = cwd;
        }
        if (!filename.isEmpty()) {
            t.exepath = Paths.resolve(t.cwd, filename);
        }
        t.fdLimit = longParam(e, s[P_FDLIMIT], t.fdLimit);
        t.vmSizeKb = longParam(e, s[P_VM_SIZE], t.vmSizeKb);
        t.vmRssKb = longParam(e, s[P_VM_RSS], t.vmRssKb);
        t.vmSwapKb = longParam(e, s[P_VM_SWAP], t.vmSwapKb);
        t.loginUid = (int) longParam(e, s[P_LOGINUID], t.loginUid);
        if (s[P_ENV] >= 0) {
            t.env = listParam(e, s[P_ENV]);
        }
        if (s[P_CGROUPS] >= 0) {
            t.cgroups = listParam(e, s[P_CGROUPS]);
            t.containerId = Containers.idFromCgroups(t.cgroups);
        }
        threads.repid(t, longParam(e, s[P_PID], t.pid));
        t.ptid = longParam(e, s[P_PTID], t.ptid);
        t.fds.closeOnExec(O_CLOEXEC);
    }

    private String dirOf(ThreadInfo t, long dirfd) {
        if (dirfd == AT_FDCWD || dirfd < 0) {
            return t.cwd;
        }
        FdInfo d = t.fds.get(dirfd);
        return d != null ? d.name() : "";
    }

    private void onOpen(ThreadInfo t, Event e, short[] s) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0) {
            return;
        }
        String name = stringParam(e, s[P_NAME]);
        long dirfd = longParam(e, s[P_DIRFD], AT_FDCWD);
        int flags = (int) longParam(e, s[P_FLAGS], 0);
        String path = Paths.resolve(dirOf(t, dirfd), name);
        FdType type = (flags & O_DIRECTORY) != 0 ? FdType.DIRECTORY : FdType.FILE;
        currentFdNum = fd;
        currentFd = t.fds.put(new FdInfo(fd).set(type, path, flags).dev((int) longParam(e, s[P_DEV], 0)));
    }

    private void onSocket(ThreadInfo t, Event e, short[] s, boolean paired) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0) {
            return;
        }
        FdType type = FdType.UNKNOWN;
        int l4 = 0;
        if (paired) {
            short[] es = SLOTS[enter.typeCode()];
            int domain = (int) longParam(enter, es[P_DOMAIN], -1);
            int stype = (int) longParam(enter, es[P_TYPE], 0) & 0xf;
            int proto = (int) longParam(enter, es[P_PROTO], 0);
            type = domain == EventTables.AF_INET ? FdType.IPV4 : domain == EventTables.AF_INET6 ? FdType.IPV6
                    : domain == EventTables.AF_UNIX ? FdType.UNIX : domain == 16 ? FdType.NETLINK : FdType.UNKNOWN;
            if (type.isInet()) {
                l4 = stype == 1 ? 6 : stype == 2 ? 17 : stype == 3 ? (proto == 1 || proto == 58 ? 1 : 255) : 0;
            }
        }
        currentFdNum = fd;
        currentFd = t.fds.put(new FdInfo(fd).set(type, "", 0).l4proto(l4));
    }

    /** Decodes a tuple parameter into ipA/ipB; returns false if empty or not inet/unix. */
    private boolean readTuple(Event e, short idx) {
        return idx >= 0 && idx < e.nparams() && e.paramAsSocket(idx, sock);
    }

    /** An IPv4-mapped IPv6 address moved to the IPv4 layout (low 4 bytes). */
    private static void toV4(byte[] a) {
        System.arraycopy(a, 12, a, 0, 4);
        Arrays.fill(a, 4, 16, (byte) 0);
    }

    private void onConnect(ThreadInfo t, Event e, short[] s) {
        if (currentFdNum < 0 || !readTuple(e, s[P_TUPLE])) {
            return;
        }
        if (sock.family() == SocketAddressParam.AF_UNIX && longParam(e, s[P_RES], 0) < 0) {
            return; // a unix socket that failed to connect keeps its name (sysdig leaves it empty)
        }
        FdInfo f = currentFd != null ? currentFd : t.fds.put(new FdInfo(currentFdNum));
        applyTuple(f, false);
        currentFd = f;
    }

    private void onAccept(ThreadInfo t, Event e, short[] s) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0) {
            return;
        }
        FdInfo f = new FdInfo(fd);
        if (readTuple(e, s[P_TUPLE])) {
            applyTuple(f, true);
        }
        currentFdNum = fd;
        currentFd = t.fds.put(f);
    }

    /**
     * Tuple source = client, destination = server (sysdig's encoding for connect and accept alike). An IPv6
     * socket talking IPv4 (both ends IPv4-mapped, as Java's dual-stack sockets do) becomes an ipv4 descriptor,
     * as sysdig shows it.
     */
    private void applyTuple(FdInfo f, boolean isServer) {
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            boolean v6 = fam == SocketAddressParam.AF_INET6;
            sock.copySourceAddress(ipA);
            sock.copyDestinationAddress(ipB);
            if (v6 && SocketNames.isV4Mapped(ipA) && SocketNames.isV4Mapped(ipB)) {
                toV4(ipA);
                toV4(ipB);
                v6 = false;
            }
            f.type(v6 ? FdType.IPV6 : FdType.IPV4);
            if (f.l4proto() == 0) {
                f.l4proto(6);
            }
            f.tuple(ipA, sock.sourcePort(), ipB, sock.destinationPort(), isServer);
            f.name(SocketNames.inetName(f));
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.type(FdType.UNIX);
            f.name(sock.unixPath());
        }
    }

    private void onBind(ThreadInfo t, Event e, short[] s) {
        if (currentFdNum < 0 || longParam(e, s[P_RES], -1) != 0) {
            return;
        }
        short idx = s[P_ADDR];
        if (idx < 0 || !e.paramAsSocket(idx, sock)) {
            return;
        }
        FdInfo f = currentFd != null ? currentFd : t.fds.put(new FdInfo(currentFdNum));
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            boolean v6 = fam == SocketAddressParam.AF_INET6;
            sock.copySourceAddress(ipB);
            if (v6 && SocketNames.isV4Mapped(ipB)) {
                toV4(ipB);
                v6 = false;
            }
            Arrays.fill(ipA, (byte) 0);
            f.type(v6 ? FdType.IPV6 : FdType.IPV4);
            f.tuple(ipA, 0, ipB, sock.sourcePort(), true);
            f.name(SocketNames.inetName(f));
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.type(FdType.UNIX).name(sock.unixPath());
        }
        currentFd = f;
    }

    private void onPipe(ThreadInfo t, Event e, short[] s) {
        long fd1 = longParam(e, s[P_FD1], -1);
        long fd2 = longParam(e, s[P_FD2], -1);
        long ino = longParam(e, s[P_INO], 0);
        if (fd1 < 0 || fd2 < 0) {
            return;
        }
        // sysdig names a pipe it saw created "" (only pipes found in /proc get pipe:[inode]); the inode is kept.
        t.fds.put(new FdInfo(fd1).set(FdType.PIPE, "", 0).ino(ino));
        t.fds.put(new FdInfo(fd2).set(FdType.PIPE, "", 0).ino(ino));
    }

    private void onSocketPair(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        long fd1 = longParam(e, s[P_FD1], -1);
        long fd2 = longParam(e, s[P_FD2], -1);
        if (fd1 >= 0) {
            t.fds.put(new FdInfo(fd1).set(FdType.UNIX, "", 0));
        }
        if (fd2 >= 0) {
            t.fds.put(new FdInfo(fd2).set(FdType.UNIX, "", 0));
        }
    }

    private void onDup(ThreadInfo t, Event e, short[] s, boolean paired) {
        long newFd = longParam(e, s[P_RES], -1);
        if (newFd < 0 || !paired) {
            return;
        }
        long oldFd = longParam(enter, SLOTS[enter.typeCode()][P_FD], -1);
        duplicate(t, oldFd, newFd);
    }

    private void duplicate(ThreadInfo t, long oldFd, long newFd) {
        FdInfo old = oldFd >= 0 ? t.fds.get(oldFd) : null;
        currentFdNum = newFd;
        currentFd = old != null ? t.fds.put(old.copyAs(newFd)) : null;
        if (old == null) {
            t.fds.remove(newFd);
        }
    }

    private void onFcntl(ThreadInfo t, Event e, short[] s, boolean paired) {
        long res = longParam(e, s[P_RES], -1);
        if (res < 0 || !paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        long cmd = longParam(enter, es[P_CMD], -1);
        if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
            duplicate(t, longParam(enter, es[P_FD], -1), res);
        }
    }

    private void onClose(ThreadInfo t, Event e, short[] s) {
        if (currentFdNum >= 0 && longParam(e, s[P_RES], -1) == 0) {
            t.fds.remove(currentFdNum);
        }
    }

    private void onChdir(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) == 0) {
            t.cwd = Paths.resolve(t.cwd, stringParam(e, s[P_PATH]));
            shareCwd(t);
        }
    }

    private void onFchdir(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) == 0 && currentFd != null) {
            t.cwd = currentFd.name();
            shareCwd(t);
        }
    }

    /** cwd belongs to the process: its main thread sees the change too. */
    private void shareCwd(ThreadInfo t) {
        ThreadInfo main = threads.mainThread(t);
        main.cwd = t.cwd;
    }

    private void onSetIds(ThreadInfo t, Event e, short[] s, Action a, boolean paired) {
        if (longParam(e, s[P_RES], -1) != 0 || !paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        switch (a) {
            case SETUID -> t.uid = (int) longParam(enter, es[P_UID], t.uid);
            case SETGID -> t.gid = (int) longParam(enter, es[P_GID], t.gid);
            case SETRESUID -> {
                long euid = longParam(enter, es[P_EUID], -1);
                if (euid != -1 && euid != 0xffffffffL) {
                    t.uid = (int) euid;
                }
            }
            case SETRESGID -> {
                long egid = longParam(enter, es[P_EGID], -1);
                if (egid != -1 && egid != 0xffffffffL) {
                    t.gid = (int) egid;
                }
            }
            default -> { }
        }
    }

    private void onNewFd(ThreadInfo t, Event e, short[] s, FdType type) {
        short idx = s[P_FD] >= 0 ? s[P_FD] : s[P_RES];
        long fd = longParam(e, idx, -1);
        if (fd < 0 || type == null) {
            return;
        }
        String name = type == FdType.MEMFD ? "memfd:" + stringParam(e, s[P_NAME]) : "";
        currentFdNum = fd;
        currentFd = t.fds.put(new FdInfo(fd).set(type, name, 0));
    }
}

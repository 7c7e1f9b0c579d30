// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.util.Arrays;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.driver.EventTables;

/**
 * The state tracker's index of the event table, built once: per event code, which parser sysdig runs for it
 * ({@link Action}), where each parameter the parsers read sits ({@link #SLOTS}: by sysdig's parameter name,
 * so every version of an event, old capture files' too, is read alike), its flags, its enter fd, and whether
 * it is a switch or a metadata event.
 */
final class EventIndex {
    private EventIndex() {}

    // Parameter names the parsers read; SLOTS[code][n] is the parameter's index in that event type, or -1.
    static final String[] NAMES = {
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
    static final int P_FD = 0,
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
    static final short[][] SLOTS = new short[EventTables.EVENT_CODE_LIMIT][];

    // What each event code does to the state (the parser sysdig runs for it).
    enum Action {
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

    static final Action[] ACTIONS = new Action[EventTables.EVENT_CODE_LIMIT];
    static final FdType[] NEWFD_TYPE = new FdType[EventTables.EVENT_CODE_LIMIT];
    static final int[] FLAGS = new int[EventTables.EVENT_CODE_LIMIT];
    /** Index of the fd an enter event works on (its first fd-typed parameter), or -1. */
    static final short[] ENTER_FD = new short[EventTables.EVENT_CODE_LIMIT];
    /** Events that describe a thread switch (sysdig's switch): they look threads up, never create them. */
    static final boolean[] SWITCH = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** Metadata events (container, plugin): no thread at all. */
    static final boolean[] META = new boolean[EventTables.EVENT_CODE_LIMIT];
    /** Container metadata events with a JSON description. */
    static final boolean[] CONTAINER_JSON = new boolean[EventTables.EVENT_CODE_LIMIT];

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
}

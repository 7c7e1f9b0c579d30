// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static sysql.capture.state.EventIndex.P_CMD;
import static sysql.capture.state.EventIndex.P_DEV;
import static sysql.capture.state.EventIndex.P_DIRFD;
import static sysql.capture.state.EventIndex.P_FD;
import static sysql.capture.state.EventIndex.P_FD1;
import static sysql.capture.state.EventIndex.P_FD2;
import static sysql.capture.state.EventIndex.P_FLAGS;
import static sysql.capture.state.EventIndex.P_INO;
import static sysql.capture.state.EventIndex.P_NAME;
import static sysql.capture.state.EventIndex.P_RES;
import static sysql.capture.state.EventIndex.SLOTS;
import static sysql.capture.state.Params.longParam;
import static sysql.capture.state.Params.stringParam;

import sysql.capture.Event;
import sysql.driver.EventTables;

/**
 * sysdig's descriptor parsers (files and descriptors other than sockets): open/openat/openat2/creat, pipe,
 * dup/dup2/dup3, fcntl's F_DUPFD, close, and the calls that create a descriptor of one kind (eventfd,
 * signalfd, timerfd, inotify, epoll, memfd, userfaultfd, io_uring, bpf).
 */
final class FdParsers {
    private final StateTracker st;
    private final ThreadTable threads;
    private final Event enter;

    FdParsers(StateTracker st) {
        this.st = st;
        this.threads = st.threads();
        this.enter = st.enter;
    }

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
        st.currentFd = threads.fd(t, dirfd);
        return st.currentFd != null ? st.currentFd.name() : "<UNKNOWN>";
    }

    /**
     * sysdig's parse_open_openat_creat_exit: a successful open adds a file or directory. The exits that carry
     * their dirfd (openat, openat2 of current drivers) stand alone; the others need their enter (the old openat
     * takes every parameter from it).
     */
    void onOpen(ThreadInfo t, Event e, short[] s) {
        boolean standalone = s[P_NAME] >= 0 && s[P_DIRFD] >= 0;
        if (!standalone && !st.paired) {
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
        st.addFd(t, new FdInfo(fd).set(type, path, flags).dev((int) longParam(e, s[P_DEV], 0)));
    }

    // ---- other descriptors

    void onPipe(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        long fd1 = longParam(e, s[P_FD1], -1);
        long fd2 = longParam(e, s[P_FD2], -1);
        long ino = longParam(e, s[P_INO], 0);
        // sysdig names a pipe it saw created "" (only pipes found in /proc get pipe:[inode]); the inode is kept.
        st.addFd(t, new FdInfo(fd1).set(FdType.PIPE, "", 0).ino(ino));
        st.addFd(t, new FdInfo(fd2).set(FdType.PIPE, "", 0).ino(ino));
    }

    /** dup, dup2, dup3: the new fd is a copy of the old one (the enter's fd). */
    void onDup(ThreadInfo t, Event e, short[] s) {
        long newFd = longParam(e, s[P_RES], -1);
        if (newFd < 0 || st.currentFd == null) {
            return;
        }
        st.addFd(t, st.currentFd.copyAs(newFd));
    }

    /** fcntl F_DUPFD / F_DUPFD_CLOEXEC: as dup. */
    void onFcntl(ThreadInfo t, Event e, short[] s) {
        if (!st.paired) {
            return;
        }
        long cmd = longParam(enter, SLOTS[enter.typeCode()][P_CMD], -1);
        if (cmd != EventTables.FCNTL_F_DUPFD && cmd != EventTables.FCNTL_F_DUPFD_CLOEXEC) {
            return;
        }
        long res = longParam(e, s[P_RES], -1);
        if (res >= 0 && st.currentFd != null) {
            st.addFd(t, st.currentFd.copyAs(res));
        }
    }

    /** A successful close removes the descriptor when the next event starts. */
    void onClose(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) >= 0 && st.currentFd != null) {
            st.fdTableToClean = threads.fdTable(t);
            st.fdToRemove = t.lastEventFd;
        }
    }

    void onNewFd(ThreadInfo t, Event e, short[] s, FdType type) {
        short idx = s[P_FD] >= 0 ? s[P_FD] : s[P_RES];
        long fd = longParam(e, idx, -1);
        if (fd < 0 || type == null) {
            return;
        }
        String name = type == FdType.MEMFD ? "memfd:" + stringParam(e, s[P_NAME]) : "";
        st.addFd(t, new FdInfo(fd).set(type, name, 0));
    }
}

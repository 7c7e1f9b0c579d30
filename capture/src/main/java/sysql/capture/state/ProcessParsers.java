// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static sysql.capture.state.EventIndex.P_ARGS;
import static sysql.capture.state.EventIndex.P_CGROUPS;
import static sysql.capture.state.EventIndex.P_COMM;
import static sysql.capture.state.EventIndex.P_ENV;
import static sysql.capture.state.EventIndex.P_EXE;
import static sysql.capture.state.EventIndex.P_FDLIMIT;
import static sysql.capture.state.EventIndex.P_FILENAME;
import static sysql.capture.state.EventIndex.P_FLAGS;
import static sysql.capture.state.EventIndex.P_GID;
import static sysql.capture.state.EventIndex.P_LOGINUID;
import static sysql.capture.state.EventIndex.P_PATHNAME;
import static sysql.capture.state.EventIndex.P_PGFT_MAJ;
import static sysql.capture.state.EventIndex.P_PGFT_MIN;
import static sysql.capture.state.EventIndex.P_PGID;
import static sysql.capture.state.EventIndex.P_PID;
import static sysql.capture.state.EventIndex.P_PTID;
import static sysql.capture.state.EventIndex.P_RES;
import static sysql.capture.state.EventIndex.P_TTY;
import static sysql.capture.state.EventIndex.P_UID;
import static sysql.capture.state.EventIndex.P_VM_RSS;
import static sysql.capture.state.EventIndex.P_VM_SIZE;
import static sysql.capture.state.EventIndex.P_VM_SWAP;
import static sysql.capture.state.EventIndex.P_VPID;
import static sysql.capture.state.EventIndex.P_VTID;
import static sysql.capture.state.EventIndex.SLOTS;
import static sysql.capture.state.Params.listParam;
import static sysql.capture.state.Params.longParam;
import static sysql.capture.state.Params.stringParam;
import static sysql.capture.state.Params.sysdigEnv;

import sysql.capture.Event;
import sysql.driver.EventTables;

/**
 * sysdig's thread and process parsers: clone (parse_clone_exit), execve, the scheduler switch's page faults and
 * memory sizes, the memory syscalls, and the container metadata events.
 */
final class ProcessParsers {
    /** A child thread entry older than this at its own clone exit is a leftover of a lost exit (sysdig's rule). */
    private static final long CLONE_STALE_TIME_NS = 2_000_000_000L;

    private final StateTracker st;
    private final ThreadTable threads;
    private final Event enter;

    ProcessParsers(StateTracker st) {
        this.st = st;
        this.threads = st.threads();
        this.enter = st.enter;
    }

    /** A container JSON event: the container it describes joins the table's containers. */
    void onContainerJson(Event e) {
        if (e.nparams() < 1) {
            return;
        }
        ContainerInfo c = ContainerInfo.fromJson(e.paramAsString(0));
        if (c != null) {
            threads.addContainer(c);
        }
    }

    /** The old container event (id, type, name, image). */
    void onOldContainer(Event e) {
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
    void contextSwitch(ThreadInfo t, Event e, short[] s) {
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
    static void onMemory(ThreadInfo t, Event e, short[] s) {
        t.vmSizeKb = longParam(e, s[P_VM_SIZE], t.vmSizeKb);
        t.vmRssKb = longParam(e, s[P_VM_RSS], t.vmRssKb);
        t.vmSwapKb = longParam(e, s[P_VM_SWAP], t.vmSwapKb);
    }

    /**
     * sysdig's parse_clone_exit. The caller's exit (res = child tid) creates the child from the caller; the
     * child's own exit (res = 0) creates it only when the caller's exit has not (an "inverted" clone), else
     * at most updates its namespace ids. Inside a pid namespace only the child's own exit creates it.
     */
    void onClone(ThreadInfo evtThread, Event e, short[] s) {
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
                st.current = null;
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
        counters(child, e, s);
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
            st.current = threads.get(e.tid());
        }
    }

    /**
     * The fd limit, page-fault and memory counters that clone's and execve's exits both carry, where the event has
     * them (else the thread keeps its own).
     */
    private static void counters(ThreadInfo t, Event e, short[] s) {
        t.fdLimit = longParam(e, s[P_FDLIMIT], t.fdLimit);
        t.pfMajor = longParam(e, s[P_PGFT_MAJ], t.pfMajor);
        t.pfMinor = longParam(e, s[P_PGFT_MIN], t.pfMinor);
        t.vmSizeKb = longParam(e, s[P_VM_SIZE], t.vmSizeKb);
        t.vmRssKb = longParam(e, s[P_VM_RSS], t.vmRssKb);
        t.vmSwapKb = longParam(e, s[P_VM_SWAP], t.vmSwapKb);
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
    void onExecve(ThreadInfo t, Event e, short[] s) {
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
        counters(t, e, s);
        if (s[P_ENV] >= 0) {
            t.env = sysdigEnv(listParam(e, s[P_ENV]));
        }
        if (s[P_CGROUPS] >= 0) {
            t.cgroups = Containers.sysdigNames(listParam(e, s[P_CGROUPS]));
            t.containerId = Containers.idFromCgroups(t.cgroups);
        }
        t.tty = (int) longParam(e, s[P_TTY], t.tty);
        if (st.paired) {
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
}

// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.util.List;
import sysql.driver.EventTables;

/**
 * One thread as the state tracker knows it: identity (tid, pid, ptid), the process image (comm, exe,
 * exepath, args, cwd), credentials, limits and memory sizes, cgroups and container, and the descriptor
 * table it shares with its process. Seeded from /proc (or a capture file's process list) and kept by events.
 *
 * <p>It also remembers the thread's last enter event (type, time and a copy of its bytes) so that an exit
 * event can be paired with its enter: the fd of a read, the domain of a socket, the latency.
 */
public final class ThreadInfo {
    static final int ENTER_COPY_MAX = 4096;
    // sysdig's thread flags (PPM_CL_*) the state tracker reads.
    public static final int CLONE_FILES = EventTables.CL_CLONE_FILES;
    public static final int CLONE_THREAD = EventTables.CL_CLONE_THREAD;
    public static final int CLONE_INVERTED = EventTables.CL_CLONE_INVERTED;
    public static final int CLOSED = EventTables.CL_CLOSED;

    long tid;
    long pid;
    long ptid;
    long vtid = -1;
    long vpid = -1;
    long sid = -1;
    long vpgid = -1;
    String comm = "";
    String exe = "";
    String exepath = "";
    List<String> args = List.of();
    List<String> env = List.of();
    String cwd = "";
    int uid = -1;
    int gid = -1;
    int loginUid = -1;
    long startTs;
    long fdLimit = -1;
    long vmSizeKb;
    long vmRssKb;
    long vmSwapKb;
    long pfMajor;
    long pfMinor;
    int tty;
    List<String> cgroups = List.of();
    /** Container id, empty for a thread of the host (as sysdig keeps it; container.id shows "host"). */
    String containerId = "";
    /** sysdig's thread flags ({@code PPM_CL_*}: clone flags, inverted clone, closed...). */
    int flags;
    /** Threads of this process other than its main thread (sysdig's m_nchilds, kept on the main thread). */
    int nchilds;
    /** When the clone event that created the thread was seen, 0 for threads from /proc or a file. */
    long cloneTs;
    /** sysdig's per-thread latency: set by each exit (ns since the thread's last enter), 0 after an enter. */
    long latency;
    /**
     * The fd of the thread's last fd-related event (sysdig's m_lastevent_fd): set by each enter event (-1 when
     * it has none), and by every descriptor the thread adds. Field extraction reads it, as sysdig's fd.num does.
     */
    long lastEventFd;
    /** The executable is writable by the thread's user (libscap's exe_writable, execve's EXE_WRITABLE flag). */
    boolean exeWritable;
    /** Nanoseconds the thread ran, from the switch events that scheduled it out (sysdig's thread.totexectime). */
    long totExectime;
    /**
     * The CPU ticks of the thread's last procinfo event, as sysdig's thread.cpu, thread.cpu.user and
     * thread.cpu.system each remember them: user+system, user, system (0 before the first).
     */
    long lastCpuTotal;

    long lastCpuUser;
    long lastCpuSystem;

    boolean dead;
    /** A placeholder for a thread nothing is known about (sysdig's entry "to avoid a continuous lookup"). */
    boolean placeholder;
    /** Filled lazily from /proc because the thread was first seen mid-stream. */
    boolean fromProcfs;

    FdTable fds;

    // The last enter event of this thread.
    int lastEnterType = -1;
    long lastEnterTs;
    final byte[] lastEnter = new byte[ENTER_COPY_MAX];
    final java.nio.ByteBuffer lastEnterView =
            java.nio.ByteBuffer.wrap(lastEnter).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int lastEnterLen;

    ThreadInfo(long tid) {
        this.tid = tid;
    }

    /** A copy with a copy of its descriptor table. */
    public ThreadInfo copyWithFds() {
        ThreadInfo c = copy();
        c.fds = fds == null ? null : fds.copy();
        return c;
    }

    /**
     * A copy of every field; the descriptor table is the same object (the caller decides what the copy's table
     * is). {@code ThreadInfoCopyTest} checks that no field is forgotten.
     */
    public ThreadInfo copy() {
        ThreadInfo c = new ThreadInfo(tid);
        c.pid = pid;
        c.ptid = ptid;
        c.vtid = vtid;
        c.vpid = vpid;
        c.sid = sid;
        c.vpgid = vpgid;
        c.comm = comm;
        c.exe = exe;
        c.exepath = exepath;
        c.args = args;
        c.env = env;
        c.cwd = cwd;
        c.uid = uid;
        c.gid = gid;
        c.loginUid = loginUid;
        c.startTs = startTs;
        c.fdLimit = fdLimit;
        c.vmSizeKb = vmSizeKb;
        c.vmRssKb = vmRssKb;
        c.vmSwapKb = vmSwapKb;
        c.pfMajor = pfMajor;
        c.pfMinor = pfMinor;
        c.tty = tty;
        c.cgroups = cgroups;
        c.containerId = containerId;
        c.flags = flags;
        c.nchilds = nchilds;
        c.cloneTs = cloneTs;
        c.latency = latency;
        c.lastEventFd = lastEventFd;
        c.exeWritable = exeWritable;
        c.totExectime = totExectime;
        c.lastCpuTotal = lastCpuTotal;
        c.lastCpuUser = lastCpuUser;
        c.lastCpuSystem = lastCpuSystem;
        c.dead = dead;
        c.placeholder = placeholder;
        c.fromProcfs = fromProcfs;
        c.fds = fds;
        c.lastEnterType = lastEnterType;
        c.lastEnterTs = lastEnterTs;
        System.arraycopy(lastEnter, 0, c.lastEnter, 0, lastEnterLen);
        c.lastEnterLen = lastEnterLen;
        return c;
    }

    public long tid() {
        return tid;
    }

    public long pid() {
        return pid;
    }

    public long ptid() {
        return ptid;
    }

    public long vtid() {
        return vtid;
    }

    public long vpid() {
        return vpid;
    }

    public long sid() {
        return sid;
    }

    public long vpgid() {
        return vpgid;
    }

    public long pfMajor() {
        return pfMajor;
    }

    public long pfMinor() {
        return pfMinor;
    }

    public String comm() {
        return comm;
    }

    public String exe() {
        return exe;
    }

    public String exepath() {
        return exepath;
    }

    public List<String> args() {
        return args;
    }

    public List<String> env() {
        return env;
    }

    public String cwd() {
        return cwd;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public int loginUid() {
        return loginUid;
    }

    public long startTs() {
        return startTs;
    }

    public long fdLimit() {
        return fdLimit;
    }

    public long vmSizeKb() {
        return vmSizeKb;
    }

    public long vmRssKb() {
        return vmRssKb;
    }

    public long vmSwapKb() {
        return vmSwapKb;
    }

    public int tty() {
        return tty;
    }

    public List<String> cgroups() {
        return cgroups;
    }

    public String containerId() {
        return containerId;
    }

    public boolean isMainThread() {
        return tid == pid;
    }

    public boolean isDead() {
        return dead;
    }

    public boolean isPlaceholder() {
        return placeholder;
    }

    public int flags() {
        return flags;
    }

    public int nchilds() {
        return nchilds;
    }

    public long lastEventFd() {
        return lastEventFd;
    }

    /** Sets the last-event fd: for the state tables' rows, on a thread of a snapshot (see EventContext). */
    public void lastEventFd(long fd) {
        lastEventFd = fd;
    }

    public boolean exeWritable() {
        return exeWritable;
    }

    public long totExectime() {
        return totExectime;
    }

    public long latency() {
        return latency;
    }

    public FdTable fds() {
        return fds;
    }

    /** The type of the thread's last enter event, or -1. */
    public int lastEnterType() {
        return lastEnterType;
    }

    public long lastEnterTs() {
        return lastEnterTs;
    }

    /** {@code cmdline} as sysdig prints proc.cmdline: comm followed by the arguments. */
    public String cmdline() {
        StringBuilder sb = new StringBuilder(comm);
        for (String a : args) {
            sb.append(' ').append(a);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "thread " + tid + " (pid " + pid + ", ptid " + ptid + ", " + comm + ", exe " + exe + ")";
    }
}

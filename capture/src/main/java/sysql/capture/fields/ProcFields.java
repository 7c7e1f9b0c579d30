// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import sysql.capture.state.ContainerInfo;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.Users;

/** Fields of classes proc, thread, user, group and container: the thread the event belongs to. */
final class ProcFields extends FieldDefinitions {
    private ProcFields() {}

    /** Most ancestors walked (a loop in a damaged table must not hang). */
    static final int MAX_ANCESTRY = 64;

    /** A text field of the event's thread; NULL without a thread. */
    private static void threadStr(String name, String description, Function<ThreadInfo, String> f) {
        str(name, description, c -> c.thread() == null ? null : f.apply(c.thread()));
    }

    /** A number of the event's process (its main thread); NULL without one. */
    private static void procNum(String name, FieldType type, String description, ToLongFunction<ThreadInfo> f) {
        num(name, type, description, valueIf(c -> main(c) != null, c -> f.applyAsLong(main(c))));
    }

    /** The process (main thread) of the event's thread, or null; sysdig creates an unknown main thread here. */
    static ThreadInfo main(EventContext c) {
        return c.thread() == null ? null : c.tracker().threads().mainThread(c.thread());
    }

    /** The parent of a thread, looked up only (sysdig's get_parent_thread), or null. */
    private static ThreadInfo parent(EventContext c, ThreadInfo t) {
        return c.tracker().threads().get(t.ptid());
    }

    /** The n-th ancestor of the event's process (0 = its main thread), or null. */
    static ThreadInfo ancestor(EventContext c, int n) {
        ThreadInfo t = main(c);
        for (int i = 0; i < n && t != null && i < MAX_ANCESTRY; i++) {
            t = parent(c, t);
        }
        return t;
    }

    private static String joined(List<String> items) {
        return items.isEmpty() ? "" : String.join(" ", items);
    }

    /** The cgroup subsystems thread.cgroup.SUBSYS is declared for up front (any other name resolves too). */
    static final List<String> CGROUP_SUBSYSTEMS = List.of(
            "blkio",
            "cpu",
            "cpuacct",
            "cpuset",
            "devices",
            "freezer",
            "hugetlb",
            "memory",
            "misc",
            "net_cls",
            "net_prio",
            "perf_event",
            "pids",
            "rdma");

    /** thread.cgroup.SUBSYS: the thread's cgroup of that subsystem, or null for another name. */
    static Field cgroup(String name) {
        String prefix = "thread.cgroup.";
        if (!name.startsWith(prefix) || name.length() == prefix.length()) {
            return null;
        }
        String subsys = name.substring(prefix.length());
        for (int i = 0; i < subsys.length(); i++) {
            char ch = subsys.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '_')) {
                return null; // sysdig takes letters and '_' only
            }
        }
        String key = subsys + "=";
        return Field.ofString(name, "Cgroup of the thread for the " + subsys + " subsystem.", c -> {
            ThreadInfo t = c.thread();
            if (t == null) {
                return null;
            }
            for (String g : t.cgroups()) {
                if (g.startsWith(key)) {
                    return g.substring(key.length());
                }
            }
            return null;
        });
    }

    /** proc.apid[N] / proc.aname[N], or null. */
    static Field resolve(String name) {
        if (name.startsWith("thread.cgroup.")) {
            return cgroup(name);
        }
        int open = name.indexOf('[');
        if (open < 0 || !name.endsWith("]")) {
            return null;
        }
        String base = name.substring(0, open);
        int n;
        try {
            n = Integer.parseInt(name.substring(open + 1, name.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (n < 0 || n > MAX_ANCESTRY) {
            return null;
        }
        return switch (base) {
            case "proc.apid" ->
                Field.ofLong(
                        name,
                        FieldType.BIGINT,
                        "Pid of the ancestor " + n + " levels up.",
                        valueIf(c -> ancestor(c, n) != null, c -> ancestor(c, n).pid()));
            case "proc.aname" ->
                Field.ofString(name, "Name of the ancestor " + n + " levels up.", c -> {
                    ThreadInfo a = ancestor(c, n);
                    return a == null ? null : a.comm();
                });
            default -> null;
        };
    }

    static void register() {
        // ---- proc / thread
        threadStr("proc.name", "Name of the process's executable (comm, up to 15 characters).", ThreadInfo::comm);
        num("proc.pid", FieldType.BIGINT, "Process id.", threadLong(ThreadInfo::pid));
        num(
                "proc.ppid",
                FieldType.BIGINT,
                "Parent process id (of the process's main thread).",
                valueIf(c -> main(c) != null, c -> main(c).ptid()));
        threadStr("proc.exe", "First command-line argument (argv[0]), as the process was started.", ThreadInfo::exe);
        threadStr("proc.exepath", "Full path of the executable.", ThreadInfo::exepath);
        threadStr("proc.cmdline", "Name and arguments of the process.", ThreadInfo::cmdline);
        str(
                "proc.cwd",
                "Current working directory of the process (with a trailing /, as sysdig shows it).",
                c -> c.thread() == null ? null : c.tracker().threads().cwd(c.thread()));
        num("thread.tid", FieldType.BIGINT, "Thread id.", always(c -> c.event().tid()));
        num(
                "thread.ismain",
                FieldType.BOOLEAN,
                "True for the main thread of its process.",
                threadLong(t -> t.isMainThread() ? 1 : 0));

        // ---- user / group / container
        str("user.name", "Name of the user the thread runs as.", c -> {
            Users.User u = user(c);
            return u != null ? u.name() : null;
        });
        num("user.uid", FieldType.BIGINT, "Id of the user the thread runs as.", threadLong(t -> t.uid() & 0xffffffffL));
        str(
                "group.name",
                "Name of the group the thread runs as.",
                c -> c.thread() != null ? c.users().groupName(c.thread().gid()) : null);
        str("container.id", "Container id (12 characters) of the thread's container, or 'host'.", c -> {
            ThreadInfo t = c.thread();
            return t == null ? null : t.containerId().isEmpty() ? "host" : t.containerId();
        });
        // ---- more proc / thread
        threadStr(
                "proc.args",
                "Arguments of the command line, after argv[0], separated by spaces.",
                t -> joined(t.args()));
        str(
                "proc.env",
                "Environment of the process (NAME=value entries separated by spaces).",
                c -> main(c) == null ? null : joined(main(c).env()));
        threadStr(
                "proc.exeline",
                "Command line with argv[0] first: proc.exe and proc.args.",
                t -> t.exe() + " " + joined(t.args()));
        num(
                "proc.nthreads",
                FieldType.BIGINT,
                "Threads the process has, its main thread included.",
                valueIf(c -> main(c) != null, c -> main(c).nchilds() + 1));
        num(
                "proc.nchilds",
                FieldType.BIGINT,
                "For a main thread, the other threads of its process; 0 for other threads.",
                threadLong(ThreadInfo::nchilds));
        str("proc.pname", "Name of the parent process.", c -> {
            ThreadInfo p = c.thread() == null ? null : parent(c, c.thread());
            return p == null ? null : p.comm();
        });
        str("proc.pcmdline", "Command line (name and arguments) of the parent process.", c -> {
            ThreadInfo p = c.thread() == null ? null : parent(c, c.thread());
            return p == null ? null : p.cmdline();
        });
        num(
                "proc.loginshellid",
                FieldType.BIGINT,
                "Pid of the oldest shell (a name ending in sh) among the process and its ancestors.",
                valueIf(c -> loginShell(c) != null, c -> loginShell(c).pid()));
        num(
                "proc.duration",
                FieldType.BIGINT,
                "Nanoseconds since the process started.",
                valueIf(
                        c -> c.thread() != null && c.thread().startTs() > 0,
                        c -> c.event().ts() - c.thread().startTs()));
        procNum(
                "proc.fdopencount",
                FieldType.BIGINT,
                "Descriptors the process has open.",
                t -> t.fds().size());
        procNum("proc.fdlimit", FieldType.BIGINT, "Most descriptors the process may open.", ThreadInfo::fdLimit);
        num(
                "proc.vmsize",
                FieldType.BIGINT,
                "Virtual memory of the process, in KiB.",
                threadLong(ThreadInfo::vmSizeKb));
        num(
                "proc.vmrss",
                FieldType.BIGINT,
                "Resident (not swapped) memory of the process, in KiB.",
                threadLong(ThreadInfo::vmRssKb));
        num(
                "proc.vmswap",
                FieldType.BIGINT,
                "Swapped-out memory of the process, in KiB.",
                threadLong(ThreadInfo::vmSwapKb));
        num(
                "thread.pfmajor",
                FieldType.BIGINT,
                "Major page faults of the thread since it started.",
                threadLong(ThreadInfo::pfMajor));
        num(
                "thread.pfminor",
                FieldType.BIGINT,
                "Minor page faults of the thread since it started.",
                threadLong(ThreadInfo::pfMinor));
        str(
                "thread.cgroups",
                "Every cgroup of the thread, as subsystem=path entries separated by spaces.",
                c -> c.thread() == null || c.thread().cgroups().isEmpty()
                        ? null
                        : joined(c.thread().cgroups()));
        num(
                "thread.vtid",
                FieldType.BIGINT,
                "Thread id inside its pid namespace.",
                valueIf(
                        c -> c.thread() != null && c.thread().vtid() != -1,
                        c -> c.thread().vtid()));
        num(
                "proc.vpid",
                FieldType.BIGINT,
                "Process id inside its pid namespace.",
                valueIf(
                        c -> c.thread() != null && c.thread().vpid() != -1,
                        c -> c.thread().vpid()));
        num(
                "thread.vmsize",
                FieldType.BIGINT,
                "Virtual memory in KiB for a main thread, 0 for other threads.",
                threadLong(t -> t.isMainThread() ? t.vmSizeKb() : 0));
        num(
                "thread.vmrss",
                FieldType.BIGINT,
                "Resident memory in KiB for a main thread, 0 for other threads.",
                threadLong(t -> t.isMainThread() ? t.vmRssKb() : 0));
        num("proc.sid", FieldType.BIGINT, "Session id of the process.", threadLong(ThreadInfo::sid));
        num("proc.vpgid", FieldType.BIGINT, "Process group id of the process.", threadLong(ThreadInfo::vpgid));
        num(
                "proc.tty",
                FieldType.BIGINT,
                "Controlling terminal of the process, 0 for none.",
                threadLong(ThreadInfo::tty));

        // ---- scheduling and CPU
        num(
                "thread.exectime",
                FieldType.BIGINT,
                "For a switch event, nanoseconds the thread switched out ran (since the previous switch on the same "
                        + "CPU; 0 for a CPU's first); 0 for other events.",
                always(c -> c.tracker().exectime()));
        num(
                "thread.totexectime",
                FieldType.BIGINT,
                "Nanoseconds the thread ran since the capture started, as its switch events tell.",
                threadLong(ThreadInfo::totExectime));
        threadCpu("thread.cpu", 0, "user and system");
        threadCpu("thread.cpu.user", 1, "user");
        threadCpu("thread.cpu.system", 2, "system");

        // ---- more proc
        str(
                "proc.sname",
                "Name of the process's session leader: the process whose pid is proc.sid or, when it "
                        + "is gone, the eldest ancestor with the same session id.",
                ProcFields::sessionLeaderName);
        add(Field.ofDouble(
                "proc.fdusage",
                "Open descriptors of the process as a percentage of its descriptor limit (0 without a limit).",
                new Field.DoubleExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return main(c) != null;
                    }

                    @Override
                    public double get(EventContext c) {
                        ThreadInfo m = main(c);
                        long limit = m.fdLimit();
                        if (limit <= 0) {
                            return 0;
                        }
                        long open = m.fds() == null ? 0 : m.fds().size();
                        return open <= limit ? (double) open * 100 / limit : 100;
                    }
                }));
        num(
                "proc.is_exe_writable",
                FieldType.BOOLEAN,
                "True if the process's executable is writable by the user that runs it.",
                threadLong(t -> t.exeWritable() ? 1 : 0));
        // sysdig categorizes a thread by the health probes of its container's metadata (docker's healthcheck,
        // Kubernetes' liveness and readiness probes); sysql reads no probe definitions, so none matches.
        num(
                "proc.is_container_healthcheck",
                FieldType.BOOLEAN,
                "True if the process runs as its container's health check (no probe metadata: false).",
                threadLong(t -> 0));
        num(
                "proc.is_container_liveness_probe",
                FieldType.BOOLEAN,
                "True if the process runs as its container's liveness probe (no probe metadata: false).",
                threadLong(t -> 0));
        num(
                "proc.is_container_readiness_probe",
                FieldType.BOOLEAN,
                "True if the process runs as its container's readiness probe (no probe metadata: false).",
                threadLong(t -> 0));

        // ---- more user / group / container
        str("user.homedir", "Home directory of the user.", c -> {
            Users.User u = user(c);
            return u != null ? u.home() : null;
        });
        str("user.shell", "Login shell of the user.", c -> {
            Users.User u = user(c);
            return u != null ? u.shell() : null;
        });
        num(
                "user.loginuid",
                FieldType.BIGINT,
                "Audit login user id (auid); -1 when unset.",
                threadLong(t -> t.loginUid()));
        str("user.loginname", "Name of the audit login user (auid).", c -> {
            ThreadInfo t = c.thread();
            Users.User u = t != null && t.loginUid() >= 0 ? c.users().user(t.loginUid()) : null;
            return u != null ? u.name() : null;
        });
        num(
                "group.gid",
                FieldType.BIGINT,
                "Id of the group the thread runs as.",
                threadLong(t -> t.gid() & 0xffffffffL));
        str(
                "container.name",
                "Name of the container (from the capture's container metadata); 'host' outside " + "containers.",
                c -> {
                    ThreadInfo t = c.thread();
                    if (t == null) {
                        return null;
                    }
                    if (t.containerId().isEmpty()) {
                        return "host";
                    }
                    ContainerInfo info = c.tracker().threads().container(t.containerId());
                    return info == null || info.name().isEmpty() ? null : info.name();
                });
    }

    /** thread.cpu, thread.cpu.user, thread.cpu.system: present on procinfo events of a known thread. */
    private static void threadCpu(String name, int which, String what) {
        num(
                name,
                FieldType.BIGINT,
                "For a procinfo event, the " + what + " CPU the thread used since its previous procinfo (about a "
                        + "second), as a percentage of one CPU: clock ticks, at most 100; 0 for its first one.",
                valueIf(
                        c -> c.thread() != null && c.tracker().hasThreadCpu(),
                        c -> c.tracker().threadCpu(which)));
    }

    /**
     * sysdig's proc.sname: the thread with tid proc.sid if the table has it; else, from the process's main thread
     * up its ancestors, the eldest one still in the same session.
     */
    static String sessionLeaderName(EventContext c) {
        ThreadInfo t = c.thread();
        if (t == null) {
            return null;
        }
        ThreadInfo leader = c.tracker().threads().get(t.sid());
        if (leader != null) {
            return leader.comm();
        }
        ThreadInfo mt = main(c);
        if (mt == null) {
            return null;
        }
        long sid = mt.sid();
        ThreadInfo p = parent(c, mt);
        for (int i = 0; p != null && p.tid() != -1 && i < MAX_ANCESTRY; i++) {
            if (p.sid() != sid) {
                break;
            }
            mt = p;
            p = parent(c, p);
            if (p != null && p.tid() == p.ptid()) {
                break; // a thread that is its own parent: sysdig stops before it
            }
        }
        return mt.comm();
    }

    private static Users.User user(EventContext c) {
        ThreadInfo t = c.thread();
        return t != null ? c.users().user(t.uid()) : null;
    }

    /**
     * sysdig's proc.loginshellid: walking from the process's main thread up its ancestors, the last (oldest)
     * whose name ends in "sh".
     */
    static ThreadInfo loginShell(EventContext c) {
        ThreadInfo found = null;
        ThreadInfo t = main(c);
        for (int i = 0; t != null && i < MAX_ANCESTRY; i++) {
            String comm = t.comm();
            if (comm.length() >= 2 && comm.endsWith("sh")) {
                found = t;
            }
            t = parent(c, t);
        }
        return found;
    }
}

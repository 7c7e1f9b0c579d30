package sysql.capture.fields;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import sysql.capture.state.ThreadInfo;
import sysql.capture.state.ThreadTable;
import sysql.capture.state.Users;

/** Fields of classes proc, thread, user, group and container: the thread the event belongs to. */
final class ProcFields extends FieldDefinitions {
    private ProcFields() {}

    /** Shells, for proc.loginshellid (the names sysdig recognizes). */
    private static final Set<String> SHELLS = Set.of("ash", "bash", "csh", "dash", "fish", "ksh", "sh", "tcsh",
            "zsh");
    /** Most ancestors walked (a loop in a damaged table must not hang). */
    static final int MAX_ANCESTRY = 64;

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** A text field of the event's thread; NULL without a thread or when empty. */
    private static void threadStr(String name, String description, Function<ThreadInfo, String> f) {
        str(name, description, c -> c.thread() == null ? null : nonEmpty(f.apply(c.thread())));
    }

    /** A text field of the event's process (its main thread). */
    private static void procStr(String name, String description, Function<ThreadInfo, String> f) {
        str(name, description, c -> c.thread() == null ? null : nonEmpty(f.apply(main(c))));
    }

    /** A number of the event's process (its main thread). */
    private static void procNum(String name, FieldType type, String description, ToLongFunction<ThreadInfo> f) {
        num(name, type, description, valueIf(c -> c.thread() != null, c -> f.applyAsLong(main(c))));
    }

    static ThreadInfo main(EventContext c) {
        return c.tracker().threads().mainThread(c.thread());
    }

    /** The n-th ancestor of the event's thread (0 = itself), or null. */
    static ThreadInfo ancestor(EventContext c, int n) {
        ThreadTable table = c.tracker().threads();
        ThreadInfo t = c.thread();
        for (int i = 0; i < n && t != null && i < MAX_ANCESTRY; i++) {
            t = t.ptid() > 0 ? table.get(t.ptid()) : null;
        }
        return t;
    }

    private static String joined(List<String> items) {
        return items.isEmpty() ? "" : String.join(" ", items);
    }

    /** proc.apid[N] / proc.aname[N], or null. */
    static Field resolve(String name) {
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
            case "proc.apid" -> Field.ofLong(name, FieldType.BIGINT, "Pid of the ancestor " + n + " levels up.",
                    valueIf(c -> ancestor(c, n) != null, c -> ancestor(c, n).pid()));
            case "proc.aname" -> Field.ofString(name, "Name of the ancestor " + n + " levels up.", c -> {
                ThreadInfo a = ancestor(c, n);
                return a == null ? null : nonEmpty(a.comm());
            });
            default -> null;
        };
    }

    static void register() {
        // ---- proc / thread
        str("proc.name", "Name of the process's executable (comm, up to 15 characters).",
                c -> c.thread() == null || c.thread().comm().isEmpty() ? null : c.thread().comm());
        num("proc.pid", FieldType.BIGINT, "Process id.", threadLong(ThreadInfo::pid));
        num("proc.ppid", FieldType.BIGINT, "Parent process id.", threadLong(ThreadInfo::ptid));
        str("proc.exe", "First command-line argument (argv[0]), as the process was started.",
                c -> c.thread() == null || c.thread().exe().isEmpty() ? null : c.thread().exe());
        str("proc.exepath", "Full path of the executable.",
                c -> c.thread() == null || c.thread().exepath().isEmpty() ? null : c.thread().exepath());
        str("proc.cmdline", "Name and arguments of the process.",
                c -> c.thread() == null || c.thread().comm().isEmpty() ? null : c.thread().cmdline());
        str("proc.cwd", "Current working directory of the process (with a trailing /, as sysdig shows it).", c -> {
            if (c.thread() == null || c.thread().cwd().isEmpty()) {
                return null;
            }
            String cwd = c.thread().cwd();
            return cwd.endsWith("/") ? cwd : cwd + "/";
        });
        num("thread.tid", FieldType.BIGINT, "Thread id.", always(c -> c.event().tid()));
        num("thread.ismain", FieldType.BOOLEAN, "True for the main thread of its process.",
                threadLong(t -> t.isMainThread() ? 1 : 0));

        // ---- user / group / container
        str("user.name", "Name of the user the thread runs as.", c -> {
            ThreadInfo t = c.thread();
            Users.User u = t != null ? c.users().user(t.uid()) : null;
            return u != null ? u.name() : null;
        });
        num("user.uid", FieldType.BIGINT, "Id of the user the thread runs as.", valueIf(c -> c.thread() != null, c -> c.thread().uid() & 0xffffffffL));
        str("group.name", "Name of the group the thread runs as.",
                c -> c.thread() != null ? c.users().groupName(c.thread().gid()) : null);
        str("container.id", "Container id (12 characters) of the thread's container, or 'host'.",
                c -> c.thread() != null ? c.thread().containerId() : null);
        // ---- more proc / thread
        str("proc.args", "Arguments of the command line, after argv[0], separated by spaces.",
                c -> c.thread() == null ? null : joined(c.thread().args()));
        str("proc.env", "Environment of the process (NAME=value entries separated by spaces).",
                c -> c.thread() == null ? null : joined(main(c).env()));
        threadStr("proc.exeline", "Command line with argv[0] first: proc.exe and proc.args.", t -> {
            String a = joined(t.args());
            return a.isEmpty() ? t.exe() : t.exe() + " " + a;
        });
        num("proc.nthreads", FieldType.BIGINT, "Threads the process has, its main thread included.",
                valueIf(c -> c.thread() != null, c -> c.tracker().threads().threadCount(c.thread().pid())));
        num("proc.nchilds", FieldType.BIGINT, "Threads of the process other than its main thread.",
                valueIf(c -> c.thread() != null, c -> Math.max(0, c.tracker().threads().threadCount(c.thread().pid()) - 1)));
        str("proc.pname", "Name of the parent process.", c -> {
            ThreadInfo p = ancestor(c, 1);
            return p == null ? null : nonEmpty(p.comm());
        });
        str("proc.pcmdline", "Command line (name and arguments) of the parent process.", c -> {
            ThreadInfo p = ancestor(c, 1);
            return p == null || p.comm().isEmpty() ? null : p.cmdline();
        });
        num("proc.loginshellid", FieldType.BIGINT, "Pid of the oldest shell among the process's ancestors.",
                valueIf(c -> loginShell(c) != null, c -> loginShell(c).pid()));
        num("proc.duration", FieldType.BIGINT, "Nanoseconds since the process started.", valueIf(c -> c.thread() != null && c.thread().startTs() > 0, c -> c.event().ts() - c.thread().startTs()));
        procNum("proc.fdopencount", FieldType.BIGINT, "Descriptors the process has open.", t -> t.fds().size());
        procNum("proc.fdlimit", FieldType.BIGINT, "Most descriptors the process may open.", ThreadInfo::fdLimit);
        num("proc.vmsize", FieldType.BIGINT, "Virtual memory of the process, in KiB.",
                threadLong(ThreadInfo::vmSizeKb));
        num("proc.vmrss", FieldType.BIGINT, "Resident (not swapped) memory of the process, in KiB.",
                threadLong(ThreadInfo::vmRssKb));
        num("proc.vmswap", FieldType.BIGINT, "Swapped-out memory of the process, in KiB.",
                threadLong(ThreadInfo::vmSwapKb));
        num("thread.pfmajor", FieldType.BIGINT, "Major page faults of the thread since it started.",
                threadLong(ThreadInfo::pfMajor));
        num("thread.pfminor", FieldType.BIGINT, "Minor page faults of the thread since it started.",
                threadLong(ThreadInfo::pfMinor));
        threadStr("thread.cgroups", "Every cgroup of the thread, as subsystem=path entries separated by spaces.",
                t -> joined(t.cgroups()));
        num("thread.vtid", FieldType.BIGINT, "Thread id inside its pid namespace.", threadLong(ThreadInfo::vtid));
        num("proc.vpid", FieldType.BIGINT, "Process id inside its pid namespace.", threadLong(ThreadInfo::vpid));
        num("thread.vmsize", FieldType.BIGINT, "Virtual memory in KiB for a main thread, 0 for other threads.",
                threadLong(t -> t.isMainThread() ? t.vmSizeKb() : 0));
        num("thread.vmrss", FieldType.BIGINT, "Resident memory in KiB for a main thread, 0 for other threads.",
                threadLong(t -> t.isMainThread() ? t.vmRssKb() : 0));
        num("proc.sid", FieldType.BIGINT, "Session id of the process.", valueIf(c -> c.thread() != null, c -> c.thread().sid()));
        num("proc.vpgid", FieldType.BIGINT, "Process group id of the process.", valueIf(c -> c.thread() != null, c -> c.thread().vpgid()));
        num("proc.tty", FieldType.BIGINT, "Controlling terminal of the process, 0 for none.",
                threadLong(ThreadInfo::tty));

        // ---- more user / group / container
        str("user.homedir", "Home directory of the user.", c -> {
            Users.User u = user(c);
            return u != null ? u.home() : null;
        });
        str("user.shell", "Login shell of the user.", c -> {
            Users.User u = user(c);
            return u != null ? u.shell() : null;
        });
        num("user.loginuid", FieldType.BIGINT, "Audit login user id (auid); -1 when unset.",
                threadLong(t -> t.loginUid()));
        str("user.loginname", "Name of the audit login user (auid).", c -> {
            ThreadInfo t = c.thread();
            Users.User u = t != null && t.loginUid() >= 0 ? c.users().user(t.loginUid()) : null;
            return u != null ? u.name() : null;
        });
        num("group.gid", FieldType.BIGINT, "Id of the group the thread runs as.", valueIf(c -> c.thread() != null && c.thread().gid() != -1, c -> c.thread().gid() & 0xffffffffL));
        str("container.name", "Name of the container; 'host' outside containers.", c -> {
            ThreadInfo t = c.thread();
            return t != null && "host".equals(t.containerId()) ? "host" : null;
        });
    }

    private static Users.User user(EventContext c) {
        ThreadInfo t = c.thread();
        return t != null ? c.users().user(t.uid()) : null;
    }

    /** The oldest shell among the thread's ancestors (itself included), or null. */
    static ThreadInfo loginShell(EventContext c) {
        ThreadInfo found = null;
        ThreadInfo t = c.thread();
        ThreadTable table = c.tracker().threads();
        for (int i = 0; t != null && i < MAX_ANCESTRY; i++) {
            if (SHELLS.contains(t.comm())) {
                found = t;
            }
            t = t.ptid() > 0 ? table.get(t.ptid()) : null;
        }
        return found;
    }
}

package sysql.capture.fields;

import sysql.capture.state.ThreadInfo;
import sysql.capture.state.Users;

/** Fields of classes proc, thread, user, group and container: the thread the event belongs to. */
final class ProcFields extends FieldDefinitions {
    private ProcFields() {}

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
        str("proc.cwd", "Current working directory of the process.",
                c -> c.thread() == null || c.thread().cwd().isEmpty() ? null : c.thread().cwd());
        num("thread.tid", FieldType.BIGINT, "Thread id.", always(c -> c.event().tid()));
        num("thread.ismain", FieldType.BOOLEAN, "True for the main thread of its process.",
                threadLong(t -> t.isMainThread() ? 1 : 0));

        // ---- user / group / container
        str("user.name", "Name of the user the thread runs as.", c -> {
            ThreadInfo t = c.thread();
            Users.User u = t != null ? c.users().user(t.uid()) : null;
            return u != null ? u.name() : null;
        });
        num("user.uid", FieldType.BIGINT, "Id of the user the thread runs as.", new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return c.thread() != null && c.thread().uid() != -1;
            }

            @Override
            public long get(EventContext c) {
                return c.thread().uid() & 0xffffffffL;
            }
        });
        str("group.name", "Name of the group the thread runs as.",
                c -> c.thread() != null ? c.users().groupName(c.thread().gid()) : null);
        str("container.id", "Container id (12 characters) of the thread's container, or 'host'.",
                c -> c.thread() != null ? c.thread().containerId() : null);
    }
}

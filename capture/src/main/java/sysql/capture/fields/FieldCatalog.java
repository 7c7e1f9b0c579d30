package sysql.capture.fields;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sysql.capture.Event;
import sysql.capture.state.FdInfo;
import sysql.capture.state.Users;
import sysql.capture.state.FdType;
import sysql.capture.state.SocketNames;
import sysql.capture.state.ThreadInfo;
import sysql.driver.EventTables;

/**
 * The field catalog: every field sysql extracts, named exactly as sysdig names it, with its SQL type, a
 * description in our words, and one extractor. Fields of sysdig's classes not in this table yet are listed
 * in the capture module's README.
 */
public final class FieldCatalog {
    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    private FieldCatalog() {}

    private static void add(Field f) {
        if (FIELDS.put(f.name(), f) != null) {
            throw new IllegalStateException("field " + f.name() + " defined twice");
        }
    }

    private static void num(String name, FieldType type, String description, Field.LongExtractor x) {
        add(Field.ofLong(name, type, description, x));
    }

    private static void str(String name, String description, Field.StringExtractor x) {
        add(Field.ofString(name, description, x));
    }

    /** A numeric extractor that is present whenever the event has a known thread. */
    private interface ThreadLong {
        long get(ThreadInfo t);
    }

    private static Field.LongExtractor threadLong(ThreadLong f) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return c.thread() != null;
            }

            @Override
            public long get(EventContext c) {
                return f.get(c.thread());
            }
        };
    }

    private static Field.LongExtractor always(java.util.function.ToLongFunction<EventContext> f) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return true;
            }

            @Override
            public long get(EventContext c) {
                return f.applyAsLong(c);
            }
        };
    }

    /**
     * Index of an exit event's result: its first parameter when that is the syscall's return value (named
     * {@code res}, or an errno, fd or pid — accept's and open's {@code fd}), else -1.
     */
    static int resIndex(Event e) {
        if (e.isEnter() || e.nparams() == 0 || e.paramLength(0) != 8) {
            return -1;
        }
        int t = e.paramType(0);
        boolean named = e.type() != null && e.type().params().get(0).name().equals("res");
        return named || t == EventTables.PT_ERRNO || t == EventTables.PT_FD || t == EventTables.PT_PID ? 0 : -1;
    }

    private static boolean usesFd(EventContext c) {
        var t = c.event().type();
        return t != null && (t.flags() & ((1 << 0) | (1 << 2))) != 0; // EF_CREATES_FD | EF_USES_FD
    }

    private static FdInfo inetFd(EventContext c) {
        FdInfo f = usesFd(c) ? c.fd() : null;
        return f != null && f.type().isInet() && f.tupleKnown() ? f : null;
    }

    static {
        // ---- evt
        num("evt.num", FieldType.BIGINT, "Number of the event in the stream, from 1 (hidden internal events count too).",
                always(EventContext::num));
        num("evt.rawtime", FieldType.BIGINT, "Event time in nanoseconds since the epoch.", always(c -> c.event().ts()));
        num("evt.cpu", FieldType.INTEGER, "CPU the event happened on.", always(c -> c.event().cpu()));
        str("evt.dir", "Direction: '>' on entry to a syscall, '<' on its return.",
                c -> c.event().isEnter() ? ">" : "<");
        str("evt.type", "Event type: the syscall's name (generic syscalls too), or procexit, signaldeliver...",
                c -> c.event().syscallName());
        str("evt.res", "Result of an exit event: SUCCESS, or the errno name (ENOENT...) when it failed.", c -> {
            Event e = c.event();
            int i = resIndex(e);
            if (i < 0) {
                return null;
            }
            long r = e.paramAsLong(i);
            if (r >= 0) {
                return "SUCCESS";
            }
            String n = Errno.name(-r);
            return n != null ? n : Long.toString(r);
        });
        num("evt.rawres", FieldType.BIGINT, "Result of an exit event as a number (negative errno on failure).",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return resIndex(c.event()) >= 0;
                    }

                    @Override
                    public long get(EventContext c) {
                        return c.event().paramAsLong(resIndex(c.event()));
                    }
                });
        num("evt.failed", FieldType.BOOLEAN, "True for exit events whose result is an error.",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return true;
                    }

                    @Override
                    public long get(EventContext c) {
                        int i = resIndex(c.event());
                        return i >= 0 && c.event().paramAsLong(i) < 0 ? 1 : 0;
                    }
                });
        num("evt.latency", FieldType.BIGINT, "For an exit event, nanoseconds since its enter event; 0 otherwise.",
                always(c -> {
                    Event enter = c.event().isEnter() ? null : c.pairedEnter();
                    return enter != null ? c.event().ts() - enter.ts() : 0;
                }));

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

        // ---- fd
        num("fd.num", FieldType.BIGINT, "Number of the file descriptor the event uses or creates.",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return usesFd(c);
                    }

                    @Override
                    public long get(EventContext c) {
                        return c.fdNum();
                    }
                });
        str("fd.type", "Type of the descriptor: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, "
                + "eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd.",
                c -> usesFd(c) && c.fd() != null ? c.fd().type().sysdigName() : null);
        str("fd.typechar", "Type of the descriptor as one letter (f, d, 4, 6, u, p, e, s, l, i, t, n...).",
                c -> usesFd(c) && c.fd() != null ? String.valueOf(c.fd().type().typeChar()) : null);
        str("fd.name", "Full name of the descriptor: a path, a socket tuple, pipe:[inode]...",
                c -> usesFd(c) && c.fd() != null ? c.fd().name() : null);
        str("fd.sip", "Server IP address of an inet socket.",
                c -> inetFd(c) != null ? SocketNames.ip(c.fd().serverIp(), c.fd().type() == FdType.IPV6) : null);
        str("fd.cip", "Client IP address of an inet socket.",
                c -> inetFd(c) != null ? SocketNames.ip(c.fd().clientIp(), c.fd().type() == FdType.IPV6) : null);
        num("fd.sport", FieldType.INTEGER, "Server port of an inet socket.", new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return inetFd(c) != null;
            }

            @Override
            public long get(EventContext c) {
                return c.fd().serverPort();
            }
        });
        num("fd.cport", FieldType.INTEGER, "Client port of an inet socket.", new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return inetFd(c) != null;
            }

            @Override
            public long get(EventContext c) {
                return c.fd().clientPort();
            }
        });
        str("fd.l4proto", "Transport protocol of a connected or bound socket: tcp, udp, icmp or raw.", c -> {
            FdInfo f = inetFd(c);
            if (f == null) {
                return null;
            }
            return switch (f.l4proto()) {
                case 6 -> "tcp";
                case 17 -> "udp";
                case 1 -> "icmp";
                case 255 -> "raw";
                default -> null;
            };
        });
        num("fd.is_server", FieldType.BOOLEAN, "True if this process is the server end of the socket.",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        return inetFd(c) != null;
                    }

                    @Override
                    public long get(EventContext c) {
                        return c.fd().isServer() ? 1 : 0;
                    }
                });
    }

    /** A field by sysdig's name, or null. */
    public static Field get(String name) {
        return FIELDS.get(name);
    }

    /** Every field, in catalog order. */
    public static List<Field> all() {
        return Collections.unmodifiableList(new ArrayList<>(FIELDS.values()));
    }
}

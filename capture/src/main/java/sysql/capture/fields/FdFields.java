// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.util.Arrays;
import sysql.capture.Event;
import sysql.capture.EventType;
import sysql.capture.EventTypes;
import sysql.capture.state.FdInfo;
import sysql.capture.state.FdType;
import sysql.capture.state.Paths;
import sysql.capture.state.ThreadInfo;
import sysql.driver.EventTables;

/**
 * Fields of class fd, extracted as sysdig's fd filter check does. They exist for events that create, use or
 * destroy a descriptor and have a thread; the descriptor is the one the parsers found for the event, else the
 * one at the thread's last-event fd ({@code fd.num}). Without a descriptor, {@code fd.name} still names what
 * a failed open, connect or accept tried, and is empty for the other exit events.
 */
final class FdFields extends FieldDefinitions {

    private static final Field.LongExtractor LOCAL_PORT = endPort(true);
    private static final Field.LongExtractor REMOTE_PORT = endPort(false);

    private FdFields() {}

    /** True for events of the fd class: they create, use or destroy a descriptor, and have a thread. */
    static boolean fdEvent(EventContext c) {
        var t = c.event().type();
        return t != null
                && (t.flags() & (EventTables.EF_CREATES_FD | EventTables.EF_USES_FD | EventTables.EF_DESTROYS_FD)) != 0
                && c.thread() != null;
    }

    /** The event's descriptor as the fd class sees it, or null. */
    static FdInfo fd(EventContext c) {
        if (!fdEvent(c)) {
            return null;
        }
        FdInfo f = c.fd();
        long last = c.thread().lastEventFd();
        if (f == null && last != -1) {
            f = c.tracker().threads().fd(c.thread(), last);
        }
        return f;
    }

    /** The descriptor when it is an inet connection socket with a role (sysdig's client/server ip and port). */
    private static FdInfo tupleWithRole(EventContext c) {
        FdInfo f = fd(c);
        return f != null && f.isInetTuple() && f.role() != FdInfo.Role.NONE ? f : null;
    }

    /** sysdig's "is this end one of the machine's addresses" for the tuple's source (client) end. */
    private static boolean sourceIsLocal(EventContext c, FdInfo f) {
        return isLocal(c, f, true);
    }

    private static boolean isLocal(EventContext c, FdInfo f, boolean source) {
        return c.tracker().threads().isLocal(f, source, c.thread());
    }

    static void register() {
        // ---- fd
        num(
                "fd.num",
                FieldType.BIGINT,
                "Number of the file descriptor the event uses or creates.",
                valueIf(FdFields::fdEvent, c -> c.thread().lastEventFd()));
        str(
                "fd.type",
                "Type of the descriptor: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, "
                        + "eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd.",
                c -> {
                    FdInfo f = fd(c);
                    return f == null || f.type() == FdType.UNKNOWN
                            ? null
                            : f.type().sysdigName();
                });
        str("fd.typechar", "Type of the descriptor as one letter (f, d, 4, 6, u, p, e, s, l, i, t, n...).", c -> {
            if (!fdEvent(c)) {
                return null;
            }
            FdInfo f = fd(c);
            return String.valueOf(f != null ? f.type().typeChar() : creatorTypeChar(c.event()));
        });
        str("fd.name", "Full name of the descriptor: a path, a socket tuple, pipe:[inode]...", c -> {
            if (!fdEvent(c)) {
                return null;
            }
            FdInfo f = fd(c);
            if (f == null || failedConnect(c.event())) {
                return creatorName(c);
            }
            return ArgFormatter.sanitize(f.name());
        });
        str("fd.sip", "Server IP address of an inet socket.", c -> {
            FdInfo f = fd(c);
            if (f == null || !f.type().isInet() || f.role() == FdInfo.Role.NONE) {
                return null;
            }
            return f.isServerSocket() ? f.serverSocketIp() : f.tupleDestinationIp();
        });
        str("fd.cip", "Client IP address of an inet socket.", c -> {
            FdInfo f = tupleWithRole(c);
            return f != null ? f.tupleSourceIp() : null;
        });
        num("fd.sport", FieldType.INTEGER, "Server port of an inet socket.", new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                FdInfo f = fd(c);
                return f != null && f.type().isInet() && (f.isServerSocket() || f.role() != FdInfo.Role.NONE);
            }

            @Override
            public long get(EventContext c) {
                FdInfo f = fd(c);
                return f.isServerSocket() ? f.serverSocketPort() : f.tupleDestinationPort();
            }
        });
        // sysdig reads the client port of a connection socket; for any other descriptor with a role (a server
        // socket, a unix socket) its extractor falls through to an empty text, which it prints as 0.
        num("fd.cport", FieldType.INTEGER, "Client port of an inet socket.", new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                FdInfo f = fd(c);
                return f != null && f.role() != FdInfo.Role.NONE;
            }

            @Override
            public long get(EventContext c) {
                FdInfo f = fd(c);
                return f.isInetTuple() ? f.tupleSourcePort() : 0;
            }
        });
        str("fd.l4proto", "Transport protocol of a connected or bound socket: tcp, udp, icmp or raw.", c -> {
            FdInfo f = fd(c);
            if (f == null) {
                return null;
            }
            return switch (f.l4proto()) {
                case FdInfo.L4_TCP -> "tcp";
                case FdInfo.L4_UDP -> "udp";
                case FdInfo.L4_ICMP -> "icmp";
                case FdInfo.L4_RAW -> "raw";
                default -> null;
            };
        });
        num(
                "fd.is_server",
                FieldType.BOOLEAN,
                "True if this process is the server end of the socket: a bound socket, or a connection whose "
                        + "server address is one of the machine's.",
                valueIf(c -> fd(c) != null, c -> {
                    FdInfo f = fd(c);
                    if (f.isServerSocket()) {
                        return 1;
                    }
                    return f.isInetTuple() && isLocal(c, f, false) ? 1 : 0;
                }));
        // ---- more fd
        str("fd.directory", "For a file, the directory that holds it; for a directory, the directory itself.", c -> {
            if (!fdEvent(c)) {
                return null;
            }
            FdInfo f = fd(c);
            if (f == null) {
                String name = creatorName(c);
                return name == null ? null : directoryOf(name);
            }
            if (f.type() != FdType.FILE && f.type() != FdType.DIRECTORY) {
                return null;
            }
            String name = ArgFormatter.sanitize(f.name());
            return f.type() == FdType.FILE ? directoryOf(name) : name;
        });
        str("fd.filename", "For a file, its name without the directory.", c -> {
            FdInfo f = fd(c);
            if (f == null || f.type() != FdType.FILE) {
                return null;
            }
            String name = ArgFormatter.sanitize(f.name());
            int slash = name.lastIndexOf('/');
            return slash < 0 ? "/" : slash < name.length() - 1 ? name.substring(slash + 1) : name;
        });
        str("fd.lip", "Local IP address of an inet socket.", c -> endIp(c, true));
        str("fd.rip", "Remote IP address of an inet socket.", c -> endIp(c, false));
        num("fd.lport", FieldType.INTEGER, "Local port of an inet socket.", LOCAL_PORT);
        num("fd.rport", FieldType.INTEGER, "Remote port of an inet socket.", REMOTE_PORT);
        str("fd.sockfamily", "Family of a socket: ip or unix.", c -> {
            FdInfo f = fd(c);
            if (f == null) {
                return null;
            }
            return f.type().isInet() ? "ip" : f.type() == FdType.UNIX ? "unix" : null;
        });
        str("fd.uid", "Unique id of the descriptor: the thread id followed by the fd number.", c -> {
            if (!fdEvent(c)) {
                return null;
            }
            return Long.toString(c.thread().tid()) + c.thread().lastEventFd();
        });
        str("fd.containername", "Container id and descriptor name, joined by ':'.", c -> {
            if (!fdEvent(c)) {
                return null;
            }
            FdInfo f = fd(c);
            String name = f == null || failedConnect(c.event()) ? creatorName(c) : ArgFormatter.sanitize(f.name());
            return name == null ? null : containerId(c.thread()) + ":" + name;
        });
        str("fd.containerdirectory", "Container id and the file's directory, joined by ':'.", c -> {
            if (!fdEvent(c)) {
                return null;
            }
            FdInfo f = fd(c);
            String dir;
            if (f == null) {
                String name = creatorName(c);
                dir = name == null ? null : directoryOf(name);
            } else if (f.type() == FdType.FILE || f.type() == FdType.DIRECTORY) {
                String name = ArgFormatter.sanitize(f.name());
                dir = f.type() == FdType.FILE ? directoryOf(name) : name;
            } else {
                dir = null;
            }
            return dir == null ? null : containerId(c.thread()) + ":" + dir;
        });
        num(
                "fd.connected",
                FieldType.BOOLEAN,
                "For a socket, true once it is connected.",
                valueIf(c -> fd(c) != null, c -> fd(c).isConnected() ? 1 : 0));
        num(
                "fd.dev",
                FieldType.BIGINT,
                "Device holding the file (sysdig's major/minor encoding).",
                valueIf(c -> fd(c) != null, c -> fd(c).dev()));
        num(
                "fd.dev.major",
                FieldType.BIGINT,
                "Major number of the device holding the file.",
                valueIf(c -> fd(c) != null, c -> (fd(c).dev() & 0xfff00) >>> 8));
        num(
                "fd.dev.minor",
                FieldType.BIGINT,
                "Minor number of the device holding the file.",
                valueIf(c -> fd(c) != null, c -> (fd(c).dev() & 0xff) | ((fd(c).dev() >>> 12) & 0xfff00)));
        // ---- protocols (ports as text), domain names, name changes
        // sysdig prints a port's service name only with -R (its default, and sysql's, is the number): the *proto
        // fields are the port as text, "" where sysdig has an empty text (see each).
        str(
                "fd.cproto",
                "Client port of an inet connection socket, as text (sysdig without -R: the number); \"\" for "
                        + "another socket with a role.",
                c -> {
                    FdInfo f = fd(c);
                    if (f == null || f.role() == FdInfo.Role.NONE) {
                        return null;
                    }
                    return f.isInetTuple() ? Integer.toString(f.tupleSourcePort()) : "";
                });
        str(
                "fd.sproto",
                "Server port of an inet connection socket, as text (sysdig without -R: the number); \"\" for a "
                        + "server (bound) socket.",
                c -> {
                    FdInfo f = fd(c);
                    if (f == null || !f.type().isInet()) {
                        return null;
                    }
                    if (f.isServerSocket()) {
                        return "";
                    }
                    return f.role() == FdInfo.Role.NONE ? null : Integer.toString(f.tupleDestinationPort());
                });
        str("fd.lproto", "Local port of an inet connection socket, as text (sysdig without -R: the number).", c -> {
            FdInfo f = tupleWithRole(c);
            return f == null ? null : Long.toString(LOCAL_PORT.get(c));
        });
        str("fd.rproto", "Remote port of an inet connection socket, as text (sysdig without -R: the number).", c -> {
            FdInfo f = tupleWithRole(c);
            return f == null ? null : Long.toString(REMOTE_PORT.get(c));
        });
        // sysdig 0.29.3 knows a domain name only for addresses its DNS manager resolved for a filter comparing the
        // name (fd.sip.name=example.com); a printed field, sysdig's and sysql's, never has one.
        for (String end : new String[] {"cip", "sip", "lip", "rip"}) {
            str(
                    "fd." + end + ".name",
                    "Domain name of fd." + end + ": always NULL, as sysdig 0.29.3 prints it (its DNS manager only "
                            + "resolves names a filter compares).",
                    c -> null);
        }
        num(
                "fd.name_changed",
                FieldType.BOOLEAN,
                "True when the event changed the name of its descriptor (a connect or bind that completed a socket "
                        + "tuple, a new file or accepted connection with a name).",
                valueIf(c -> fd(c) != null, c -> c.fd() != null && c.tracker().fdNameChanged() ? 1 : 0));
    }

    /**
     * The local or the remote address of a connection socket with a role, or null. Like sysdig, the source
     * (client) end is local when it is one of the machine's addresses (or the thread's container's).
     */
    private static String endIp(EventContext c, boolean local) {
        FdInfo f = tupleWithRole(c);
        if (f == null) {
            return null;
        }
        return sourceIsLocal(c, f) == local ? f.tupleSourceIp() : f.tupleDestinationIp();
    }

    /** The local or the remote port of a connection socket with a role, chosen as {@link #endIp}. */
    private static Field.LongExtractor endPort(boolean local) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                return tupleWithRole(c) != null;
            }

            @Override
            public long get(EventContext c) {
                FdInfo f = tupleWithRole(c);
                return sourceIsLocal(c, f) == local ? f.tupleSourcePort() : f.tupleDestinationPort();
            }
        };
    }

    /** The container id as sysdig joins it to names: empty for the host. */
    private static String containerId(ThreadInfo t) {
        return t.containerId();
    }

    /** A path's directory as sysdig cuts it: up to the last slash, "/" for a top-level path or none. */
    private static String directoryOf(String name) {
        int slash = name.lastIndexOf('/');
        if (slash > 0) {
            return slash < name.length() - 1 ? name.substring(0, slash) : name;
        }
        return "/";
    }

    private static boolean failedConnect(Event e) {
        return e.type() != null
                && CONNECT_EXIT[e.typeCode()]
                && e.nparams() > 0
                && e.paramLength(0) == 8
                && e.paramAsLong(0) < 0;
    }

    /**
     * What an exit event that creates a descriptor tried to name when it has none (sysdig's
     * extract_fdname_from_creator): the path of open and creat, the tuple of connect and accept, the resolved
     * path of openat; "" for every other exit; null for enter events.
     */
    static String creatorName(EventContext c) {
        Event e = c.event();
        if (e.type() == null || e.isEnter()) {
            return null;
        }
        int code = e.typeCode();
        switch (CREATOR[code]) {
            case SECOND_PARAMETER -> {
                return e.nparams() > 1 ? ArgFormatter.arg(c, 1) : "";
            }
            case RESOLVED_PATH -> {
                int dirfdIdx = CREATOR_DIRFD[code];
                int nameIdx = CREATOR_PATH[code];
                if (dirfdIdx < 0 || nameIdx < 0 || nameIdx >= e.nparams()) {
                    return null; // the old openat exit needs its enter, which sysdig no longer holds here
                }
                String name = ArgFormatter.sanitize(e.paramAsString(nameIdx));
                long dirfd = e.paramLength(dirfdIdx) == 8 ? e.paramAsLong(dirfdIdx) : EventTables.AT_FDCWD;
                String dir;
                if (!name.isEmpty() && name.charAt(0) == '/') {
                    dir = "";
                } else if (dirfd == EventTables.AT_FDCWD) {
                    dir = c.tracker().threads().cwd(c.thread());
                } else {
                    FdInfo d = c.tracker().threads().fd(c.thread(), dirfd);
                    dir = d != null ? d.name() : "<UNKNOWN>";
                }
                return Paths.resolve(dir, name);
            }
            case PATH_PARAMETER -> {
                int i = CREATOR_PATH[code];
                return i >= 0 && i < e.nparams() ? ArgFormatter.sanitize(e.paramAsString(i)) : "";
            }
            default -> {
                return "";
            }
        }
    }

    /** fd.typechar without a descriptor: what the event's syscall would have created. */
    private static char creatorTypeChar(Event e) {
        return CREATOR_TYPE_CHAR[e.typeCode()];
    }

    /** How an exit event without a descriptor names what it tried to create ({@link #creatorName}). */
    private enum Creator {
        /** Nothing: "". */
        NONE,
        /** Its second parameter, formatted: open's and creat's path, accept's and connect's tuple. */
        SECOND_PARAMETER,
        /** Its path resolved against its directory fd or the thread's cwd: openat's. */
        RESOLVED_PATH,
        /** Its path parameter as it is: open_by_handle_at's. */
        PATH_PARAMETER
    }

    /** By event code: how its exit names what it tried to create. */
    private static final Creator[] CREATOR = new Creator[EventTables.EVENT_CODE_LIMIT];
    /** By event code: the index of the directory fd and of the path {@link #creatorName} reads, or -1. */
    private static final byte[] CREATOR_DIRFD = new byte[EventTables.EVENT_CODE_LIMIT];

    private static final byte[] CREATOR_PATH = new byte[EventTables.EVENT_CODE_LIMIT];
    /** By event code: fd.typechar of what its syscall would have created ('o' for the others). */
    private static final char[] CREATOR_TYPE_CHAR = new char[EventTables.EVENT_CODE_LIMIT];
    /** By event code: connect's exits (a failed connect names its tuple, not its socket). */
    private static final boolean[] CONNECT_EXIT = new boolean[EventTables.EVENT_CODE_LIMIT];

    static {
        Arrays.fill(CREATOR, Creator.NONE);
        Arrays.fill(CREATOR_DIRFD, (byte) -1);
        Arrays.fill(CREATOR_PATH, (byte) -1);
        Arrays.fill(CREATOR_TYPE_CHAR, 'o');
        for (EventType t : EventTypes.all()) {
            int code = t.code();
            String n = t.name();
            CONNECT_EXIT[code] = !t.isEnter() && n.equals("connect");
            switch (n) {
                case "open", "creat", "accept", "accept4", "connect" -> CREATOR[code] = Creator.SECOND_PARAMETER;
                case "openat", "openat2" -> {
                    CREATOR[code] = Creator.RESOLVED_PATH;
                    CREATOR_DIRFD[code] = (byte) t.paramIndex("dirfd");
                    CREATOR_PATH[code] = (byte) t.paramIndex("name");
                }
                case "open_by_handle_at" -> {
                    CREATOR[code] = Creator.PATH_PARAMETER;
                    CREATOR_PATH[code] = (byte) t.paramIndex("path");
                }
                default -> {}
            }
            CREATOR_TYPE_CHAR[code] = switch (n) {
                case "open", "openat", "openat2", "creat" -> 'f';
                case "socket", "accept", "accept4" -> '4';
                case "pipe", "pipe2" -> 'p';
                case "eventfd", "eventfd2" -> 'e';
                case "signalfd", "signalfd4" -> 's';
                case "timerfd_create" -> 't';
                case "inotify_init", "inotify_init1" -> 'i';
                default -> 'o';
            };
        }
    }
}

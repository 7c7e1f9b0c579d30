package sysql.capture.fields;

import sysql.capture.state.FdInfo;
import sysql.capture.state.FdType;
import sysql.capture.state.SocketNames;

/** Fields of class fd: the file descriptor the event uses or creates. */
final class FdFields extends FieldDefinitions {
    private FdFields() {}

    static boolean usesFd(EventContext c) {
        var t = c.event().type();
        return t != null && (t.flags() & ((1 << 0) | (1 << 2))) != 0; // EF_CREATES_FD | EF_USES_FD
    }

    static FdInfo inetFd(EventContext c) {
        FdInfo f = usesFd(c) ? c.fd() : null;
        return f != null && f.type().isInet() && f.tupleKnown() ? f : null;
    }

    static void register() {
        // ---- fd
        num("fd.num", FieldType.BIGINT, "Number of the file descriptor the event uses or creates.",
                valueIf(c -> usesFd(c), c -> c.fdNum()));
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
        num("fd.sport", FieldType.INTEGER, "Server port of an inet socket.", valueIf(c -> inetFd(c) != null, c -> c.fd().serverPort()));
        num("fd.cport", FieldType.INTEGER, "Client port of an inet socket.", valueIf(c -> inetFd(c) != null, c -> c.fd().clientPort()));
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
                valueIf(c -> inetFd(c) != null, c -> c.fd().isServer() ? 1 : 0));
        // ---- more fd
        str("fd.directory", "For a file, the directory that holds it; for a directory, the directory itself.", c -> {
            FdInfo f = fileFd(c);
            if (f == null) {
                return null;
            }
            if (f.type() == FdType.DIRECTORY) {
                return f.name();
            }
            int slash = f.name().lastIndexOf('/');
            return slash > 0 ? f.name().substring(0, slash) : slash == 0 ? "/" : null;
        });
        str("fd.filename", "For a file, its name without the directory.", c -> {
            FdInfo f = fileFd(c);
            if (f == null || f.type() != FdType.FILE) {
                return null;
            }
            return f.name().substring(f.name().lastIndexOf('/') + 1);
        });
        str("fd.lip", "Local IP address of an inet socket.", c -> {
            FdInfo f = inetFd(c);
            return f == null ? null : SocketNames.ip(f.isServer() ? f.serverIp() : f.clientIp(), f.type() == FdType.IPV6);
        });
        str("fd.rip", "Remote IP address of an inet socket.", c -> {
            FdInfo f = inetFd(c);
            return f == null ? null : SocketNames.ip(f.isServer() ? f.clientIp() : f.serverIp(), f.type() == FdType.IPV6);
        });
        num("fd.lport", FieldType.INTEGER, "Local port of an inet socket.", socketNum(f -> f.isServer()
                ? f.serverPort() : f.clientPort()));
        num("fd.rport", FieldType.INTEGER, "Remote port of an inet socket.", socketNum(f -> f.isServer()
                ? f.clientPort() : f.serverPort()));
        str("fd.sockfamily", "Family of a socket: ip or unix.", c -> {
            FdInfo f = usesFd(c) ? c.fd() : null;
            if (f == null) {
                return null;
            }
            return f.type().isInet() ? "ip" : f.type() == FdType.UNIX ? "unix" : null;
        });
        str("fd.uid", "Unique id of the descriptor: the thread id followed by the fd number.", c -> {
            if (!usesFd(c) || c.fd() == null) {
                return null;
            }
            return Long.toString(c.event().tid()) + c.fdNum();
        });
        str("fd.containername", "Container id and descriptor name, joined by ':'.", c -> {
            if (!usesFd(c) || c.fd() == null || c.thread() == null) {
                return null;
            }
            return c.thread().containerId() + ":" + c.fd().name();
        });
        str("fd.containerdirectory", "Container id and the file's directory, joined by ':'.", c -> {
            FdInfo f = fileFd(c);
            if (f == null || c.thread() == null) {
                return null;
            }
            int slash = f.name().lastIndexOf('/');
            String dir = f.type() == FdType.DIRECTORY ? f.name() : slash > 0 ? f.name().substring(0, slash) : "/";
            return c.thread().containerId() + ":" + dir;
        });
        num("fd.connected", FieldType.BOOLEAN, "For an inet socket, true once it is connected.",
                new Field.LongExtractor() {
                    @Override
                    public boolean present(EventContext c) {
                        FdInfo f = usesFd(c) ? c.fd() : null;
                        return f != null && f.type().isInet();
                    }

                    @Override
                    public long get(EventContext c) {
                        FdInfo f = c.fd();
                        return f.tupleKnown() && f.clientPort() != 0 ? 1 : 0;
                    }
                });
        num("fd.dev", FieldType.BIGINT, "Device holding the file (sysdig's major/minor encoding).",
                fileNum(FdInfo::dev));
        num("fd.dev.major", FieldType.BIGINT, "Major number of the device holding the file.",
                fileNum(f -> (f.dev() & 0xfff00) >>> 8));
        num("fd.dev.minor", FieldType.BIGINT, "Minor number of the device holding the file.",
                fileNum(f -> (f.dev() & 0xff) | ((f.dev() >>> 12) & 0xfff00)));
    }

    /** The event's descriptor when it is a file or directory. */
    static FdInfo fileFd(EventContext c) {
        FdInfo f = usesFd(c) ? c.fd() : null;
        return f != null && (f.type() == FdType.FILE || f.type() == FdType.DIRECTORY) ? f : null;
    }

    private static Field.LongExtractor socketNum(java.util.function.ToLongFunction<FdInfo> g) {
        return valueIf(c -> inetFd(c) != null, c -> g.applyAsLong(c.fd()));
    }

    private static Field.LongExtractor fileNum(java.util.function.ToLongFunction<FdInfo> g) {
        return new Field.LongExtractor() {
            @Override
            public boolean present(EventContext c) {
                FdInfo f = fileFd(c);
                return f != null && f.dev() != 0;
            }

            @Override
            public long get(EventContext c) {
                return g.applyAsLong(c.fd());
            }
        };
    }
}

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
}

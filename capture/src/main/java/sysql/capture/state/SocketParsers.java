// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static sysql.capture.state.EventIndex.P_ADDR;
import static sysql.capture.state.EventIndex.P_DOMAIN;
import static sysql.capture.state.EventIndex.P_FD;
import static sysql.capture.state.EventIndex.P_FD1;
import static sysql.capture.state.EventIndex.P_FD2;
import static sysql.capture.state.EventIndex.P_PEER;
import static sysql.capture.state.EventIndex.P_PROTO;
import static sysql.capture.state.EventIndex.P_RES;
import static sysql.capture.state.EventIndex.P_SOURCE;
import static sysql.capture.state.EventIndex.P_TUPLE;
import static sysql.capture.state.EventIndex.P_TYPE;
import static sysql.capture.state.EventIndex.SLOTS;
import static sysql.capture.state.Params.longParam;

import sysql.capture.Event;
import sysql.capture.SocketAddressParam;
import sysql.driver.EventTables;

/**
 * sysdig's socket parsers: socket, socketpair, bind, connect (enter and exit), accept, and the socket tuples of
 * reads and writes (parse_rw_exit: recvfrom/recvmsg, sendto/sendmsg...).
 */
final class SocketParsers {
    private static final int EINPROGRESS = 115;

    private final StateTracker st;
    private final ThreadTable threads;
    private final Event enter;
    private final SocketAddressParam sock = new SocketAddressParam();
    private final byte[] ipA = new byte[16];
    private final byte[] ipB = new byte[16];

    SocketParsers(StateTracker st) {
        this.st = st;
        this.threads = st.threads();
        this.enter = st.enter;
    }

    /** sysdig's parse_socket_exit: inet, unix and netlink sockets (others are not kept). */
    void onSocket(ThreadInfo t, Event e, short[] s) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0 || !st.paired) {
            return;
        }
        short[] es = SLOTS[enter.typeCode()];
        int domain = (int) longParam(enter, es[P_DOMAIN], -1);
        int type = (int) longParam(enter, es[P_TYPE], 0);
        int proto = (int) longParam(enter, es[P_PROTO], 0);
        addSocket(t, fd, domain, type, proto);
    }

    /** sysdig's parse_socketpair_exit: two connected unix sockets; the first is the event's descriptor. */
    void onSocketPair(ThreadInfo t, Event e, short[] s) {
        if (longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        long fd1 = longParam(e, s[P_FD1], -1);
        long fd2 = longParam(e, s[P_FD2], -1);
        long source = longParam(e, s[P_SOURCE], 0);
        long peer = longParam(e, s[P_PEER], 0);
        FdInfo first = st.addFd(t, new FdInfo(fd1).set(FdType.UNIX, "", 0).unixAddresses(source, peer));
        st.addFd(t, first.copyAs(fd2));
        st.currentFd = first;
    }

    private void addSocket(ThreadInfo t, long fd, int domain, int type, int proto) {
        FdInfo f = new FdInfo(fd);
        if (domain == EventTables.AF_UNIX) {
            f.set(FdType.UNIX, "", 0);
        } else if (domain == EventTables.AF_INET || domain == EventTables.AF_INET6) {
            f.set(domain == EventTables.AF_INET ? FdType.IPV4 : FdType.IPV6, "", 0);
            f.tupleL4proto(l4protoOf(type, proto));
        } else if (domain == 16) { // AF_NETLINK
            f.set(FdType.NETLINK, "", 0);
        } else {
            return;
        }
        st.addFd(t, f);
    }

    /** sysdig's transport protocol of a new socket from its type and protocol. */
    private static int l4protoOf(int type, int proto) {
        final int sockStream = 1, sockDgram = 2, sockRaw = 3;
        return switch (proto) {
            case 6 -> type == sockRaw ? FdInfo.L4_RAW : FdInfo.L4_TCP;
            case 17 -> type == sockRaw ? FdInfo.L4_RAW : FdInfo.L4_UDP;
            case 0 ->
                (type & 0xff) == sockStream
                        ? FdInfo.L4_TCP
                        : (type & 0xff) == sockDgram ? FdInfo.L4_UDP : FdInfo.L4_UNKNOWN;
            case 1 -> type == sockRaw ? FdInfo.L4_RAW : FdInfo.L4_ICMP;
            case 255 -> FdInfo.L4_RAW;
            default -> FdInfo.L4_UNKNOWN;
        };
    }

    private boolean readSocket(Event e, short idx) {
        return idx >= 0 && idx < e.nparams() && e.paramAsSocket(idx, sock);
    }

    /** The tuple in {@link #sock} is IPv4-mapped IPv6 at both ends: sysdig keeps it as an IPv4 socket. */
    private boolean mappedTuple() {
        sock.copySourceAddress(ipA);
        sock.copyDestinationAddress(ipB);
        return SocketNames.isV4Mapped(ipA) && SocketNames.isV4Mapped(ipB);
    }

    /** Writes the tuple in {@link #sock} into {@code f} as the given family; false when it did not change. */
    private boolean setTuple(FdInfo f, boolean asV4FromMapped) {
        sock.copySourceAddress(ipA);
        sock.copyDestinationAddress(ipB);
        if (asV4FromMapped) {
            System.arraycopy(ipA, 12, ipA, 0, 4);
            System.arraycopy(ipB, 12, ipB, 0, 4);
        }
        return f.tuple(ipA, sock.sourcePort(), ipB, sock.destinationPort());
    }

    /** sysdig's parse_bind_exit: a socket bound to a port becomes a server socket. */
    void onBind(Event e, short[] s) {
        FdInfo f = st.currentFd;
        if (f == null || longParam(e, s[P_RES], -1) < 0 || !readSocket(e, s[P_ADDR])) {
            return;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            int port = sock.sourcePort();
            if (port > 0) {
                int l4 = f.storedL4proto();
                sock.copySourceAddress(ipA);
                if (fam == SocketAddressParam.AF_INET6 && SocketNames.isV4Mapped(ipA)) {
                    System.arraycopy(ipA, 12, ipA, 0, 4);
                    f.type(FdType.IPV4);
                } else {
                    f.type(fam == SocketAddressParam.AF_INET ? FdType.IPV4 : FdType.IPV6);
                }
                f.serverSocket(true)
                        .serverAddress(ipA, port)
                        .serverSocketL4proto(l4)
                        .role(FdInfo.Role.SERVER);
            }
        }
        f.name(SocketNames.addressText(sock));
    }

    /**
     * sysdig's parse_connect_enter: the destination of an inet socket (its name waits for the exit), the name of a
     * unix one, so that a connect that fails still leaves them.
     */
    void onConnectEnter(Event e, short[] s) {
        FdInfo f = st.currentFd;
        if (f == null || !readSocket(e, s[P_ADDR])) {
            return;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            sock.copySourceAddress(ipA);
            boolean v4 = fam == SocketAddressParam.AF_INET || SocketNames.isV4Mapped(ipA);
            if (fam == SocketAddressParam.AF_INET6 && v4) {
                System.arraycopy(ipA, 12, ipA, 0, 4);
            }
            f.type(v4 ? FdType.IPV4 : FdType.IPV6).serverSocket(false).tupleDestination(ipA, sock.sourcePort());
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.name(SocketNames.addressText(sock));
        }
    }

    /** sysdig's parse_connect_exit: the tuple and the name; a socket with no role becomes a client. */
    void onConnect(Event e, short[] s) {
        FdInfo f = st.currentFd;
        if (f == null) {
            return;
        }
        long res = longParam(e, s[P_RES], 0);
        if (res < 0 && res != -EINPROGRESS) {
            return;
        }
        f.connected(true);
        if (!readSocket(e, s[P_TUPLE])) {
            return;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            // Like sysdig: the kind changes to a connection socket; its protocol is whatever the socket-info
            // area holds there (the socket's own, a server socket's address does not overlap it).
            boolean v4 = fam == SocketAddressParam.AF_INET || mappedTuple();
            f.type(v4 ? FdType.IPV4 : FdType.IPV6).serverSocket(false);
            boolean changed = setTuple(f, v4 && fam == SocketAddressParam.AF_INET6);
            boolean udpServer = f.role() == FdInfo.Role.SERVER && isUdp(f);
            if (changed && udpServer) {
                f.swapTuple();
            }
            f.name(udpServer ? SocketNames.sockinfoText(f) : SocketNames.tupleText(sock));
        } else {
            f.name(SocketNames.tupleText(sock));
            if (fam == SocketAddressParam.AF_UNIX) {
                f.unixAddresses(sock.sourceSocket(), sock.destinationSocket());
            }
        }
        if (f.role() == FdInfo.Role.NONE) {
            f.role(FdInfo.Role.CLIENT);
        }
    }

    /** sysdig's parse_accept_exit: a new connected server-role socket from the tuple. */
    void onAccept(ThreadInfo t, Event e, short[] s) {
        long fd = longParam(e, s[P_FD], -1);
        if (fd < 0) {
            return;
        }
        t.lastEventFd = fd;
        if (!readSocket(e, s[P_TUPLE])) {
            return;
        }
        FdInfo f = new FdInfo(fd);
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET || fam == SocketAddressParam.AF_INET6) {
            boolean v4 = fam == SocketAddressParam.AF_INET || mappedTuple();
            f.set(v4 ? FdType.IPV4 : FdType.IPV6, "", 0);
            setTuple(f, v4 && fam == SocketAddressParam.AF_INET6);
            f.tupleL4proto(FdInfo.L4_TCP);
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.set(FdType.UNIX, "", 0).unixAddresses(sock.sourceSocket(), sock.destinationSocket());
        } else {
            return;
        }
        f.name(SocketNames.tupleText(sock));
        f.role(FdInfo.Role.SERVER).connected(true);
        st.addFd(t, f);
    }

    /**
     * sysdig's parse_rw_exit: a successful read or write marks an inet socket connected; recvfrom/recvmsg (their
     * tuple) and sendto/sendmsg (their enter's) fill a socket that has no name yet or is not TCP.
     */
    void onReadWrite(ThreadInfo t, Event e, short[] s, boolean read) {
        FdInfo f = st.currentFd;
        if (f == null || longParam(e, s[P_RES], -1) < 0) {
            return;
        }
        if (f.isInetTuple()) {
            f.connected(true);
        }
        if (!f.name().isEmpty() && isTcp(f)) {
            return;
        }
        Event src;
        short idx;
        if (read) {
            src = e;
            idx = s[P_TUPLE];
        } else {
            if (!st.paired) {
                return;
            }
            src = enter;
            idx = SLOTS[enter.typeCode()][P_TUPLE];
        }
        if (idx < 0 || !updateFd(f, src, idx)) {
            return;
        }
        if (f.isInetTuple()) {
            if (f.role() == FdInfo.Role.NONE) {
                guessRole(t, f, read);
            }
            if (read ? f.role() == FdInfo.Role.CLIENT : f.role() == FdInfo.Role.SERVER) {
                f.swapTuple();
            }
            f.name(SocketNames.sockinfoText(f));
        } else {
            f.name(SocketNames.tupleText(sock));
        }
    }

    /** sysdig's is_tcp_socket / is_udp_socket: IPv4 connection sockets only. */
    private static boolean isTcp(FdInfo f) {
        return f.type() == FdType.IPV4 && !f.isServerSocket() && f.storedL4proto() == FdInfo.L4_TCP;
    }

    private static boolean isUdp(FdInfo f) {
        return f.type() == FdType.IPV4 && !f.isServerSocket() && f.storedL4proto() == FdInfo.L4_UDP;
    }

    /** sysdig's update_fd: a tuple parameter into the descriptor; false when there is none or it did not change. */
    private boolean updateFd(FdInfo f, Event src, short idx) {
        if (!readSocket(src, idx)) {
            return false;
        }
        int fam = sock.family();
        if (fam == SocketAddressParam.AF_INET) {
            if (f.isServerSocket() && f.type() == FdType.IPV4) {
                int l4 = f.storedL4proto();
                f.serverSocket(false).tupleL4proto(l4);
            }
            f.type(FdType.IPV4).serverSocket(false);
            if (!setTuple(f, false)) {
                return false;
            }
        } else if (fam == SocketAddressParam.AF_INET6) {
            if (mappedTuple()) {
                f.type(FdType.IPV4).serverSocket(false);
                if (!setTuple(f, true)) {
                    return false;
                }
            } else if (!setTuple(f, false)) {
                return false;
            }
        } else if (fam == SocketAddressParam.AF_UNIX) {
            f.type(FdType.UNIX).serverSocket(false);
            f.unixAddresses(sock.sourceSocket(), sock.destinationSocket());
            f.name(sock.unixPath());
            return true;
        } else {
            return false;
        }
        if (f.isInetTuple() && f.storedL4proto() == FdInfo.L4_UNKNOWN) {
            f.tupleL4proto(FdInfo.L4_UDP);
        }
        threads.interfaces().completeTuple(f);
        return true;
    }

    /** sysdig's set_net_role_by_guessing: server if the process owns the destination port. */
    private void guessRole(ThreadInfo t, FdInfo f, boolean incoming) {
        FdTable table = threads.fdTable(t);
        if (table == null || f.type() != FdType.IPV4 && f.type() != FdType.IPV6) {
            f.role(FdInfo.Role.CLIENT);
            return;
        }
        if (table.isBoundToPort(f.tupleDestinationPort())) {
            if (table.usesClientPort(f.tupleSourcePort())) {
                f.role(incoming ? FdInfo.Role.SERVER : FdInfo.Role.CLIENT);
            } else {
                f.role(FdInfo.Role.SERVER);
            }
        } else {
            f.role(FdInfo.Role.CLIENT);
        }
    }
}

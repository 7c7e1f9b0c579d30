// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's own lookup of one TCP connection by its four addresses and ports (netlink {@code NETLINK_SOCK_DIAG},
 * an {@code inet_diag_req_v2} without {@code NLM_F_DUMP}, as {@code ss} asks for one socket): the uid that owns the
 * socket whose local end is the client's and remote end the server's. One request and one answer per connection,
 * however many sockets the host has, where reading {@code /proc/net/tcp} went through all of them.
 */
final class SockDiag {
    /** The answer when the kernel has no such socket. */
    static final int NOT_FOUND = -1;
    /** The answer when the lookup could not be made (no netlink, no inet_diag in this kernel): read /proc instead. */
    static final int UNAVAILABLE = -2;

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int IPPROTO_TCP = 6;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int TCP_LISTEN = 10;
    /** nlmsghdr (16 bytes) and inet_diag_req_v2 (56). */
    private static final int REQUEST_LENGTH = 72;
    /** nlmsghdr, then inet_diag_msg's family, state, timer, retrans, id (48 bytes), expires, rqueue, wqueue: uid. */
    private static final int UID_OFFSET = 16 + 4 + 48 + 12;

    private interface C extends Library {
        int socket(int domain, int type, int protocol);

        NativeLong send(int fd, byte[] buffer, NativeLong length, int flags);

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

        int close(int fd);
    }

    private static final class Libc {
        static final C C = load();

        private static C load() {
            try {
                return Native.load("c", C.class);
            } catch (UnsatisfiedLinkError e) {
                return null;
            }
        }
    }

    private SockDiag() {}

    /**
     * The uid owning the TCP socket whose local end is {@code client}:{@code clientPort} and remote end
     * {@code server}:{@code serverPort}; {@link #NOT_FOUND}, or {@link #UNAVAILABLE} when the kernel could not be
     * asked. An IPv4 pair is asked for as IPv4, then as the IPv4-mapped IPv6 of a dual-stack socket (Java's own).
     */
    static int uidOf(InetAddress client, int clientPort, InetAddress server, int serverPort) {
        byte[] c = client.getAddress();
        byte[] s = server.getAddress();
        if (c.length == 4 && s.length == 4) {
            int uid = ask(AF_INET, c, clientPort, s, serverPort);
            return uid == NOT_FOUND ? ask(AF_INET6, mapped(c), clientPort, mapped(s), serverPort) : uid;
        }
        return ask(AF_INET6, c.length == 4 ? mapped(c) : c, clientPort, s.length == 4 ? mapped(s) : s, serverPort);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private static int ask(int family, byte[] src, int sport, byte[] dst, int dport) {
        C c = Libc.C;
        if (c == null) {
            return UNAVAILABLE;
        }
        int fd = c.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0) {
            return UNAVAILABLE;
        }
        try {
            byte[] request = request(family, src, sport, dst, dport);
            if (c.send(fd, request, new NativeLong(request.length), 0).longValue() != request.length) {
                return UNAVAILABLE;
            }
            // the kernel answers while it takes the request: the answer is there when send returns
            byte[] answer = new byte[8192];
            long n = c.recv(fd, answer, new NativeLong(answer.length), MSG_DONTWAIT)
                    .longValue();
            return n < 0 ? UNAVAILABLE : uidIn(ByteBuffer.wrap(answer, 0, (int) n), sport, dport);
        } finally {
            c.close(fd);
        }
    }

    /** The request for the socket {@code src}:{@code sport} → {@code dst}:{@code dport} of {@code family}. */
    static byte[] request(int family, byte[] src, int sport, byte[] dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_LENGTH).order(ByteOrder.nativeOrder());
        b.putInt(REQUEST_LENGTH).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) NLM_F_REQUEST);
        b.putInt(1).putInt(0); // sequence, port id
        b.put((byte) family).put((byte) IPPROTO_TCP).put((byte) 0).put((byte) 0);
        b.putInt(-1); // every state
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) sport).putShort((short) dport);
        b.put(src).position(28 + 16).put(dst).position(28 + 32);
        b.order(ByteOrder.nativeOrder()).putInt(0).putInt(-1).putInt(-1); // any interface, no cookie
        return b.array();
    }

    /**
     * The uid in the kernel's answer, if it is the connection asked for ({@code sport} → {@code dport}, not a
     * listening socket the lookup fell back to); {@link #NOT_FOUND} for an error (ENOENT: no such socket).
     */
    static int uidIn(ByteBuffer answer, int sport, int dport) {
        ByteBuffer b = answer.order(ByteOrder.nativeOrder());
        if (b.remaining() < 16) {
            return UNAVAILABLE;
        }
        int type = Short.toUnsignedInt(b.getShort(b.position() + 4));
        if (type == NLMSG_ERROR) {
            return NOT_FOUND;
        }
        if (type != SOCK_DIAG_BY_FAMILY || b.remaining() < UID_OFFSET + 4) {
            return UNAVAILABLE;
        }
        int at = b.position();
        int state = Byte.toUnsignedInt(b.get(at + 17));
        b.order(ByteOrder.BIG_ENDIAN);
        boolean same =
                Short.toUnsignedInt(b.getShort(at + 20)) == sport && Short.toUnsignedInt(b.getShort(at + 22)) == dport;
        b.order(ByteOrder.nativeOrder());
        return state != TCP_LISTEN && same ? b.getInt(at + UID_OFFSET) : NOT_FOUND;
    }
}

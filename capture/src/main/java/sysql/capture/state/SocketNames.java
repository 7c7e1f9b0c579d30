// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import sysql.capture.SocketAddressParam;

/** sysdig's text forms of socket addresses and descriptors ({@code fd.name}, {@code fd.sip} …). */
public final class SocketNames {
    private SocketNames() {}

    /**
     * The name sysdig gives an inet socket it builds itself (from /proc or a capture file's descriptor list):
     * {@code sip:sport->dip:dport} for a connection socket, {@code ip:port} for a server socket.
     */
    public static String inetName(FdInfo f) {
        if (f.isServerSocket()) {
            return f.serverSocketIp() + ":" + f.serverSocketPort();
        }
        return f.tupleSourceIp() + ":" + f.tupleSourcePort() + "->" + f.tupleDestinationIp() + ":"
                + f.tupleDestinationPort();
    }

    /**
     * What sysdig's parsers name a socket after a read or write filled its tuple, or a UDP server connected
     * (sockinfo_to_str): {@code sip:sport->dip:dport} for TCP and UDP, {@code sip->dip} for ICMP and raw
     * sockets, {@code <unknown>} otherwise.
     */
    public static String sockinfoText(FdInfo f) {
        int l4 = f.storedL4proto();
        if (l4 == FdInfo.L4_TCP || l4 == FdInfo.L4_UDP) {
            return f.tupleSourceIp() + ":" + f.tupleSourcePort() + "->" + f.tupleDestinationIp() + ":"
                    + f.tupleDestinationPort();
        }
        if (l4 == FdInfo.L4_ICMP || l4 == FdInfo.L4_RAW) {
            return f.tupleSourceIp() + "->" + f.tupleDestinationIp();
        }
        return "<unknown>";
    }

    /**
     * A socket tuple parameter as sysdig's simple text form, which names connected and accepted sockets:
     * {@code sip:sport->dip:dport} (an IPv4-mapped IPv6 pair as IPv4), the path for a unix socket.
     */
    public static String tupleText(SocketAddressParam p) {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        p.copySourceAddress(a);
        p.copyDestinationAddress(b);
        if (p.family() == SocketAddressParam.AF_INET) {
            return ipv4(a, 0) + ":" + p.sourcePort() + "->" + ipv4(b, 0) + ":" + p.destinationPort();
        }
        if (p.family() == SocketAddressParam.AF_INET6) {
            if (isV4Mapped(a, 0) && isV4Mapped(b, 0)) {
                return ipv4(a, 12) + ":" + p.sourcePort() + "->" + ipv4(b, 12) + ":" + p.destinationPort();
            }
            return ipv6(a, 0) + ":" + p.sourcePort() + "->" + ipv6(b, 0) + ":" + p.destinationPort();
        }
        return p.family() == SocketAddressParam.AF_UNIX ? p.unixPath() : "";
    }

    /** A socket address parameter (bind's) as sysdig's simple text form: {@code ip:port}, or a unix path. */
    public static String addressText(SocketAddressParam p) {
        byte[] a = new byte[16];
        p.copySourceAddress(a);
        if (p.family() == SocketAddressParam.AF_INET) {
            return ipv4(a, 0) + ":" + p.sourcePort();
        }
        if (p.family() == SocketAddressParam.AF_INET6) {
            return ipv6(a, 0) + ":" + p.sourcePort();
        }
        return p.family() == SocketAddressParam.AF_UNIX ? p.unixPath() : "";
    }

    /** Dotted IPv4 text of the 4 bytes at {@code off}. */
    public static String ipv4(byte[] a, int off) {
        return (a[off] & 0xff) + "." + (a[off + 1] & 0xff) + "." + (a[off + 2] & 0xff) + "." + (a[off + 3] & 0xff);
    }

    /**
     * IPv6 text of the 16 bytes at {@code off} as glibc's inet_ntop writes it: lowercase hex, the longest run of
     * two or more zero groups as ::, and the embedded IPv4 forms ::a.b.c.d and ::ffff:a.b.c.d.
     */
    public static String ipv6(byte[] a, int off) {
        int[] g = new int[8];
        for (int k = 0; k < 8; k++) {
            g[k] = ((a[off + 2 * k] & 0xff) << 8) | (a[off + 2 * k + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int j = k;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - k > bestLen) {
                bestStart = k;
                bestLen = j - k;
            }
            k = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder out = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (bestStart >= 0 && k >= bestStart && k < bestStart + bestLen) {
                if (k == bestStart) {
                    out.append(':');
                }
                continue;
            }
            if (k != 0) {
                out.append(':');
            }
            if (k == 6 && bestStart == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xffff))) {
                out.append(ipv4(a, off + 12));
                break;
            }
            out.append(Integer.toHexString(g[k]));
        }
        if (bestStart >= 0 && bestStart + bestLen == 8) {
            out.append(':');
        }
        return out.toString();
    }

    /** True for an IPv4-mapped IPv6 address (::ffff:a.b.c.d) in the 16 bytes at {@code off}. */
    public static boolean isV4Mapped(byte[] a, int off) {
        for (int i = 0; i < 10; i++) {
            if (a[off + i] != 0) {
                return false;
            }
        }
        return (a[off + 10] & 0xff) == 0xff && (a[off + 11] & 0xff) == 0xff;
    }

    static boolean isV4Mapped(byte[] a) {
        return isV4Mapped(a, 0);
    }
}

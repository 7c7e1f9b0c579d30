// SPDX-License-Identifier: Apache-2.0
package sysql.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import sysql.driver.EventTables;

/**
 * A decoded socket address ({@code SOCKADDR}) or socket tuple ({@code SOCKTUPLE}) parameter, in sysdig's
 * encoding: a family byte (sysdig's AF numbering: 1 unix, 2 inet, 10 inet6), then for a tuple the source and
 * destination (ip, port), for an address one (ip, port); unix sockets carry kernel socket addresses and a
 * path. Ports are in host order, addresses in network order. Reusable: decode overwrites every field.
 */
public final class SocketAddressParam {
    public static final int AF_UNIX = EventTables.AF_UNIX;
    public static final int AF_INET = EventTables.AF_INET;
    public static final int AF_INET6 = EventTables.AF_INET6;

    private int family;
    private boolean tuple;
    private final byte[] srcAddr = new byte[16];
    private final byte[] dstAddr = new byte[16];
    private int srcPort;
    private int dstPort;
    private long srcSocket;
    private long dstSocket;
    private String path = "";

    boolean decode(ByteBuffer buf, int off, int len, boolean isTuple) {
        this.tuple = isTuple;
        this.family = 0;
        this.srcPort = 0;
        this.dstPort = 0;
        this.path = "";
        if (len <= 0) {
            return false;
        }
        family = buf.get(off) & 0xff;
        int p = off + 1;
        int end = off + len;
        int ipLen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
        if (ipLen > 0) {
            int need = 1 + (isTuple ? 2 : 1) * (ipLen + 2);
            if (len < need) {
                throw new MalformedEventException(
                        "socket parameter of family " + family + " is " + len + " bytes, expected " + need);
            }
            buf.get(p, srcAddr, 0, ipLen);
            p += ipLen;
            srcPort = buf.getShort(p) & 0xffff;
            p += 2;
            if (isTuple) {
                buf.get(p, dstAddr, 0, ipLen);
                p += ipLen;
                dstPort = buf.getShort(p) & 0xffff;
            }
        } else if (family == AF_UNIX) {
            if (isTuple && len >= 17) {
                srcSocket = buf.getLong(p);
                dstSocket = buf.getLong(p + 8);
                p += 16;
            }
            int n = 0;
            while (p + n < end && buf.get(p + n) != 0) {
                n++;
            }
            byte[] bytes = new byte[n];
            buf.get(p, bytes, 0, n);
            path = new String(bytes, StandardCharsets.UTF_8);
        }
        return true;
    }

    public int family() {
        return family;
    }

    public boolean isTuple() {
        return tuple;
    }

    public int sourcePort() {
        return srcPort;
    }

    public int destinationPort() {
        return dstPort;
    }

    public long sourceSocket() {
        return srcSocket;
    }

    public long destinationSocket() {
        return dstSocket;
    }

    public String unixPath() {
        return path;
    }

    /** Copies the source (or the only) address into {@code dst16}: IPv4 in the low 4 bytes, else 16 bytes. */
    public void copySourceAddress(byte[] dst16) {
        copyAddress(srcAddr, dst16);
    }

    /** Copies the destination address into {@code dst16}: IPv4 in the low 4 bytes, else 16 bytes. */
    public void copyDestinationAddress(byte[] dst16) {
        copyAddress(dstAddr, dst16);
    }

    private void copyAddress(byte[] a, byte[] dst16) {
        java.util.Arrays.fill(dst16, (byte) 0);
        System.arraycopy(a, 0, dst16, 0, family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0);
    }

    /** Source (or the only) address as text: dotted IPv4 or IPv6. */
    public String sourceAddress() {
        return ip(srcAddr);
    }

    public String destinationAddress() {
        return ip(dstAddr);
    }

    private String ip(byte[] a) {
        if (family == AF_INET) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        if (family == AF_INET6) {
            try {
                return java.net.InetAddress.getByAddress(java.util.Arrays.copyOf(a, 16))
                        .getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return "";
    }

    @Override
    public String toString() {
        if (family == AF_INET || family == AF_INET6) {
            String src = sourceAddress() + ":" + srcPort;
            return tuple ? src + "->" + destinationAddress() + ":" + dstPort : src;
        }
        if (family == AF_UNIX) {
            return tuple ? Long.toHexString(srcSocket) + "->" + Long.toHexString(dstSocket) + " " + path : path;
        }
        return "family " + family;
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import sysql.capture.scap.InterfaceInfo;

/**
 * The addresses of the capturing machine's network interfaces, as sysdig keeps them: they complete socket
 * tuples that lack one end (a UDP socket's local address) and decide which end of a connection is local
 * ({@code fd.lip}, {@code fd.is_server}). From a capture file's interface list, or the host's interfaces live.
 */
public final class NetworkInterfaces {
    /** No interfaces known. */
    public static final NetworkInterfaces NONE = new NetworkInterfaces(new int[0], new int[0], List.of());

    private static final int LOOPBACK_V4 = 0x7f000001;
    private static final byte[] LOOPBACK_V6 = new byte[16];

    static {
        LOOPBACK_V6[15] = 1;
    }

    /** IPv4 addresses and netmasks, in network byte order as big-endian ints. */
    private final int[] v4Addresses;

    private final int[] v4Netmasks;
    private final List<byte[]> v6Addresses;
    private final long[] v6Prefixes;

    private NetworkInterfaces(int[] v4Addresses, int[] v4Netmasks, List<byte[]> v6Addresses) {
        this.v4Addresses = v4Addresses;
        this.v4Netmasks = v4Netmasks;
        this.v6Addresses = v6Addresses;
        this.v6Prefixes = new long[v6Addresses.size()];
        for (int i = 0; i < v6Prefixes.length; i++) {
            for (int k = 0; k < 8; k++) {
                v6Prefixes[i] = v6Prefixes[i] << 8 | (v6Addresses.get(i)[k] & 0xff);
            }
        }
    }

    /** From a capture file's interface list (in file order, as sysdig reads it). */
    public static NetworkInterfaces of(List<InterfaceInfo> interfaces) {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> masks = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InterfaceInfo i : interfaces) {
            if (i.addr() instanceof Inet4Address) {
                v4.add(i.addr());
                masks.add(i.netmask());
            } else if (i.addr() instanceof Inet6Address) {
                v6.add(i.addr());
            }
        }
        return build(v4, masks, v6);
    }

    /** The host's interfaces (live capture). */
    public static NetworkInterfaces host() {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> masks = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                    if (a.getAddress() instanceof Inet4Address) {
                        v4.add(a.getAddress());
                        masks.add(netmask(a.getNetworkPrefixLength()));
                    } else if (a.getAddress() instanceof Inet6Address) {
                        v6.add(a.getAddress());
                    }
                }
            }
        } catch (SocketException e) {
            return NONE;
        }
        return build(v4, masks, v6);
    }

    private static InetAddress netmask(int prefix) {
        int m = prefix == 0 ? 0 : -1 << (32 - prefix);
        try {
            return InetAddress.getByAddress(
                    new byte[] {(byte) (m >>> 24), (byte) (m >>> 16), (byte) (m >>> 8), (byte) m});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static NetworkInterfaces build(List<InetAddress> v4, List<InetAddress> masks, List<InetAddress> v6) {
        int[] a = new int[v4.size()];
        int[] m = new int[v4.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = toInt(v4.get(i).getAddress(), 0);
            m[i] = masks.get(i) != null ? toInt(masks.get(i).getAddress(), 0) : 0;
        }
        List<byte[]> six = new ArrayList<>();
        for (InetAddress x : v6) {
            six.add(x.getAddress());
        }
        return new NetworkInterfaces(a, m, List.copyOf(six));
    }

    private static int toInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static void fromInt(int v, byte[] b) {
        b[0] = (byte) (v >>> 24);
        b[1] = (byte) (v >>> 16);
        b[2] = (byte) (v >>> 8);
        b[3] = (byte) v;
    }

    /** True when the IPv4 address (a big-endian int) is one of the machine's. */
    public boolean isLocalIpv4(int a) {
        for (int x : v4Addresses) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when an IPv6 address, given by its first 64 bits, is in the /64 of one of the machine's (sysdig's
     * test).
     */
    public boolean isLocalIpv6(long prefix) {
        for (long x : v6Prefixes) {
            if (x == prefix) {
                return true;
            }
        }
        return false;
    }

    /**
     * sysdig's update_fd of the interface list: a connection socket with one end 0 (a datagram socket's
     * unknown local address) gets the machine address that best matches the other end.
     */
    void completeTuple(FdInfo f) {
        if (!f.isInetTuple()) {
            return;
        }
        boolean v6 = f.type() == FdType.IPV6;
        int n = v6 ? 16 : 4;
        byte[] sip = new byte[16];
        byte[] dip = new byte[16];
        f.copyTupleSourceIp(sip);
        f.copyTupleDestinationIp(dip);
        boolean sipEmpty = isZero(sip, n);
        boolean dipEmpty = isZero(dip, n);
        if (!sipEmpty && !dipEmpty) {
            return;
        }
        byte[] known = sipEmpty ? dip : sip;
        byte[] inferred = new byte[16];
        if (v6) {
            inferV6(known, inferred);
        } else {
            fromInt(inferV4(toInt(known, 0)), inferred);
        }
        if (Arrays.equals(inferred, 0, n, known, 0, n) && f.tupleSourcePort() == f.tupleDestinationPort()) {
            return;
        }
        if (sipEmpty) {
            f.tuple(inferred, f.tupleSourcePort(), dip, f.tupleDestinationPort());
        } else {
            f.tuple(sip, f.tupleSourcePort(), inferred, f.tupleDestinationPort());
        }
    }

    private static boolean isZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** sysdig's infer_ipv4_address: the same address, else one in the same subnet, else the first non-loopback. */
    private int inferV4(int dest) {
        for (int a : v4Addresses) {
            if (a == dest) {
                return a;
            }
        }
        for (int i = 0; i < v4Addresses.length; i++) {
            if ((v4Addresses[i] & v4Netmasks[i]) == (dest & v4Netmasks[i])) {
                return v4Addresses[i];
            }
        }
        for (int a : v4Addresses) {
            if (a != LOOPBACK_V4) {
                return a;
            }
        }
        return 0;
    }

    /** sysdig's infer_ipv6_address, with a /64 subnet. */
    private void inferV6(byte[] dest, byte[] out) {
        Arrays.fill(out, (byte) 0);
        for (byte[] a : v6Addresses) {
            if (Arrays.equals(a, 0, 16, dest, 0, 16)) {
                System.arraycopy(a, 0, out, 0, 16);
                return;
            }
        }
        for (byte[] a : v6Addresses) {
            if (Arrays.equals(a, 0, 8, dest, 0, 8)) {
                System.arraycopy(a, 0, out, 0, 16);
                return;
            }
        }
        for (byte[] a : v6Addresses) {
            if (!Arrays.equals(a, LOOPBACK_V6)) {
                System.arraycopy(a, 0, out, 0, 16);
                return;
            }
        }
    }
}

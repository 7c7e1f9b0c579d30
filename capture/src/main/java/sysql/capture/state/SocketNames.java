package sysql.capture.state;

/** sysdig's text forms of socket descriptors ({@code fd.name}). */
public final class SocketNames {
    private SocketNames() {}

    /** {@code cip:cport->sip:sport} for a connected inet socket, {@code sip:sport} for a listening one. */
    public static String inetName(FdInfo f) {
        boolean v6 = f.type() == FdType.IPV6;
        if (f.isServer() && f.clientPort() == 0) {
            return ip(f.serverIp(), v6) + ":" + f.serverPort();
        }
        return ip(f.clientIp(), v6) + ":" + f.clientPort() + "->" + ip(f.serverIp(), v6) + ":" + f.serverPort();
    }

    /** An address as text: IPv4 from the low 4 bytes, else IPv6 (IPv4-mapped IPv6 shown as IPv4, as sysdig). */
    public static String ip(byte[] a, boolean v6) {
        if (v6 && !isV4Mapped(a)) {
            try {
                return java.net.InetAddress.getByAddress(a).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        int o = v6 ? 12 : 0;
        return (a[o] & 0xff) + "." + (a[o + 1] & 0xff) + "." + (a[o + 2] & 0xff) + "." + (a[o + 3] & 0xff);
    }

    static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }
}

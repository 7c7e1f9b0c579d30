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
            return ipv6(a);
        }
        int o = v6 ? 12 : 0;
        return (a[o] & 0xff) + "." + (a[o + 1] & 0xff) + "." + (a[o + 2] & 0xff) + "." + (a[o + 3] & 0xff);
    }

    /** IPv6 text as inet_ntop writes it (RFC 5952): lowercase hex, the longest run of 2+ zero groups as ::. */
    static String ipv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
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

// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

/**
 * One open file descriptor of a process: type, name (path, socket tuple …), open flags and, for sockets,
 * what sysdig keeps of them. Mutable: the state tracker updates it as events arrive.
 *
 * <p>Sockets follow sysdig's model so that every fd field shows what sysdig shows. An inet socket is either
 * a connection socket with a tuple (source ip:port → destination ip:port; source is the client, destination
 * the server, for connect and accept alike) or, once bound to a port, a <em>server socket</em> that knows
 * only its server address. Separately it has a role — none, client (it connected) or server (it was accepted
 * or bound) — and a connected flag. Like sysdig, the tuple and the server address share one storage area
 * ({@link #SOCKET_INFO_BYTES} bytes, laid out as sysdig's socket-info union), so a socket that changes kind
 * sees what the other kind left there, exactly as in sysdig.
 */
public final class FdInfo {
    /** Which end of a connection this process holds, as sysdig records it. */
    public enum Role {
        NONE,
        CLIENT,
        SERVER
    }

    /** Size of the socket information area: an IPv6 tuple (two addresses, two ports, protocol). */
    static final int SOCKET_INFO_BYTES = 37;
    // libscap's transport protocol codes (scap_l4_proto).
    public static final int L4_UNKNOWN = 0;
    public static final int L4_NA = 1;
    public static final int L4_TCP = 2;
    public static final int L4_UDP = 3;
    public static final int L4_ICMP = 4;
    public static final int L4_RAW = 5;

    private long fd;
    private FdType type = FdType.UNKNOWN;
    private boolean serverSocket;
    private String name = "";
    /** The name when an event last looked the descriptor up (sysdig's m_oldname); "" for a new descriptor. */
    private String oldName = "";

    private int openFlags;
    private long ino;
    private int dev;
    private Role role = Role.NONE;
    private boolean connected;
    private final byte[] socketInfo = new byte[SOCKET_INFO_BYTES];

    public FdInfo(long fd) {
        this.fd = fd;
    }

    public long fd() {
        return fd;
    }

    public FdType type() {
        return type;
    }

    public String name() {
        return name;
    }

    /** Marks the current name as the one before the event being parsed changes it (sysdig's get_fd does this). */
    void lookedUp() {
        oldName = name;
    }

    /**
     * True when the name differs from the one it had at the last lookup ({@link #lookedUp}), or, for a descriptor
     * created since, from "" (sysdig's fdinfo_name_changed).
     */
    public boolean nameChanged() {
        return !name.equals(oldName);
    }

    public int openFlags() {
        return openFlags;
    }

    public long ino() {
        return ino;
    }
    /** Device of a file (sysdig's encoding: major << 20 | minor), 0 when unknown. */
    public int dev() {
        return dev;
    }

    public Role role() {
        return role;
    }
    /** True once a read, a write, a connect or an accept showed the socket connected. */
    public boolean isConnected() {
        return connected;
    }

    /** True for an inet socket bound to a port (sysdig's IPv4/IPv6 server socket): only its server side is known. */
    public boolean isServerSocket() {
        return serverSocket;
    }

    /** True for an inet socket with a tuple (sysdig's IPv4/IPv6 socket, not a server socket). */
    public boolean isInetTuple() {
        return type.isInet() && !serverSocket;
    }

    private boolean v6() {
        return type == FdType.IPV6;
    }

    // ---- the tuple of a connection socket (source = client, destination = server)

    /** Source (client) address of the tuple as text. */
    public String tupleSourceIp() {
        return v6() ? SocketNames.ipv6(socketInfo, 0) : SocketNames.ipv4(socketInfo, 0);
    }

    /** Destination (server) address of the tuple as text. */
    public String tupleDestinationIp() {
        return v6() ? SocketNames.ipv6(socketInfo, 16) : SocketNames.ipv4(socketInfo, 4);
    }

    public int tupleSourcePort() {
        return u16(v6() ? 32 : 8);
    }

    public int tupleDestinationPort() {
        return u16(v6() ? 34 : 10);
    }

    /** Copies the tuple's source address (4 or 16 bytes) into {@code out}. */
    public void copyTupleSourceIp(byte[] out) {
        System.arraycopy(socketInfo, 0, out, 0, v6() ? 16 : 4);
    }

    /** Copies the tuple's destination address (4 or 16 bytes) into {@code out}. */
    public void copyTupleDestinationIp(byte[] out) {
        System.arraycopy(socketInfo, v6() ? 16 : 4, out, 0, v6() ? 16 : 4);
    }

    /** An IPv4 tuple end's address as a big-endian int (the source, or the destination). */
    public int tupleIpv4(boolean source) {
        int o = source ? 0 : 4;
        return (socketInfo[o] & 0xff) << 24
                | (socketInfo[o + 1] & 0xff) << 16
                | (socketInfo[o + 2] & 0xff) << 8
                | (socketInfo[o + 3] & 0xff);
    }

    /** The first 64 bits (the network prefix) of an IPv6 tuple end's address, big-endian. */
    public long tupleIpv6Prefix(boolean source) {
        int o = source ? 0 : 16;
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (socketInfo[o + i] & 0xff);
        }
        return v;
    }

    // ---- the address of a server socket

    public String serverSocketIp() {
        return v6() ? SocketNames.ipv6(socketInfo, 0) : SocketNames.ipv4(socketInfo, 0);
    }

    /**
     * The first 4 bytes of the server socket's address as dotted IPv4 text: what sysdig's fdlist.sips prints for
     * an IPv6 server socket (it formats that address as IPv4).
     */
    public String serverSocketIpFirst4() {
        return SocketNames.ipv4(socketInfo, 0);
    }

    public int serverSocketPort() {
        return u16(v6() ? 16 : 4);
    }

    /** Copies the server socket's address (4 or 16 bytes) into {@code out}. */
    public void copyServerSocketIp(byte[] out) {
        System.arraycopy(socketInfo, 0, out, 0, v6() ? 16 : 4);
    }

    /** The transport protocol stored for the socket (libscap code), whatever its role. */
    public int storedL4proto() {
        return socketInfo[serverSocket ? (v6() ? 18 : 6) : (v6() ? 36 : 12)] & 0xff;
    }

    /**
     * The transport protocol as sysdig reports it (libscap code): a raw socket always, a connection socket
     * once it has a role, a server socket always; {@link #L4_NA} for everything else.
     */
    public int l4proto() {
        if (!type.isInet()) {
            return L4_NA;
        }
        int stored = storedL4proto();
        if (serverSocket || stored == L4_RAW) {
            return stored;
        }
        return role == Role.NONE ? L4_NA : stored;
    }

    /** The unix socket's kernel addresses (source, destination). */
    public long unixSource() {
        return u64(0);
    }

    public long unixDestination() {
        return u64(8);
    }

    // ---- updates (the state tracker and the initial-state readers)

    FdInfo set(FdType type, String name, int openFlags) {
        this.type = type;
        this.name = name;
        this.openFlags = openFlags;
        return this;
    }

    FdInfo fd(long fd) {
        this.fd = fd;
        return this;
    }

    FdInfo dev(int dev) {
        this.dev = dev;
        return this;
    }

    FdInfo ino(long ino) {
        this.ino = ino;
        return this;
    }

    FdInfo name(String name) {
        this.name = name;
        return this;
    }

    FdInfo type(FdType type) {
        this.type = type;
        return this;
    }

    FdInfo serverSocket(boolean serverSocket) {
        this.serverSocket = serverSocket;
        return this;
    }

    FdInfo role(Role role) {
        this.role = role;
        return this;
    }

    FdInfo connected(boolean connected) {
        this.connected = connected;
        return this;
    }

    /** Sets the tuple's protocol (libscap code) of a connection socket. */
    FdInfo tupleL4proto(int l4) {
        socketInfo[v6() ? 36 : 12] = (byte) l4;
        return this;
    }

    /** Sets the protocol (libscap code) of a server socket. */
    FdInfo serverSocketL4proto(int l4) {
        socketInfo[v6() ? 18 : 6] = (byte) l4;
        return this;
    }

    /**
     * Sets the tuple from 4- or 16-byte addresses (the socket's type says which); returns false when it is the
     * tuple the socket already had, in either direction (sysdig's "unchanged").
     */
    boolean tuple(byte[] sip, int sport, byte[] dip, int dport) {
        int n = v6() ? 16 : 4;
        int dOff = n;
        int pOff = 2 * n;
        if (!serverSocket && (sameTuple(sip, sport, dip, dport, n) || sameTuple(dip, dport, sip, sport, n))) {
            return false;
        }
        System.arraycopy(sip, 0, socketInfo, 0, n);
        System.arraycopy(dip, 0, socketInfo, dOff, n);
        putU16(pOff, sport);
        putU16(pOff + 2, dport);
        return true;
    }

    /** Sets only the tuple's destination (server) end, 4 or 16 bytes by the socket's type. */
    void tupleDestination(byte[] dip, int dport) {
        int n = v6() ? 16 : 4;
        System.arraycopy(dip, 0, socketInfo, n, n);
        putU16(2 * n + 2, dport);
    }

    private boolean sameTuple(byte[] sip, int sport, byte[] dip, int dport, int n) {
        for (int i = 0; i < n; i++) {
            if (socketInfo[i] != sip[i] || socketInfo[n + i] != dip[i]) {
                return false;
            }
        }
        return u16(2 * n) == sport && u16(2 * n + 2) == dport;
    }

    /** Exchanges source and destination of the tuple (sysdig's swap_addresses). */
    void swapTuple() {
        int n = v6() ? 16 : 4;
        for (int i = 0; i < n; i++) {
            byte b = socketInfo[i];
            socketInfo[i] = socketInfo[n + i];
            socketInfo[n + i] = b;
        }
        int sport = u16(2 * n);
        putU16(2 * n, u16(2 * n + 2));
        putU16(2 * n + 2, sport);
    }

    /** Sets the address of a server socket (4 or 16 bytes, by the socket's type). */
    FdInfo serverAddress(byte[] ip, int port) {
        System.arraycopy(ip, 0, socketInfo, 0, v6() ? 16 : 4);
        putU16(v6() ? 16 : 4, port);
        return this;
    }

    FdInfo unixAddresses(long source, long destination) {
        putU64(0, source);
        putU64(8, destination);
        return this;
    }

    private int u16(int off) {
        return (socketInfo[off] & 0xff) | (socketInfo[off + 1] & 0xff) << 8;
    }

    private void putU16(int off, int v) {
        socketInfo[off] = (byte) v;
        socketInfo[off + 1] = (byte) (v >>> 8);
    }

    private long u64(int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (socketInfo[off + i] & 0xff);
        }
        return v;
    }

    private void putU64(int off, long v) {
        for (int i = 0; i < 8; i++) {
            socketInfo[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** A copy with another fd number (dup, fcntl F_DUPFD, a forked child's table). */
    FdInfo copyAs(long newFd) {
        FdInfo c = new FdInfo(newFd);
        c.type = type;
        c.serverSocket = serverSocket;
        c.name = name;
        c.oldName = oldName;
        c.openFlags = openFlags;
        c.ino = ino;
        c.dev = dev;
        c.role = role;
        c.connected = connected;
        System.arraycopy(socketInfo, 0, c.socketInfo, 0, SOCKET_INFO_BYTES);
        return c;
    }

    @Override
    public String toString() {
        return fd + "(<" + type.typeChar() + ">" + name + ")";
    }
}

package sysql.capture.state;

/**
 * One open file descriptor of a process: type, name (path, socket tuple, {@code pipe:[ino]} …), open flags
 * and, for sockets, the tuple. Mutable and reused: the state tracker updates it as events arrive.
 *
 * <p>For inet sockets the tuple is kept as sysdig does: client (source) and server (destination) addresses
 * and ports, with {@link #isServer()} saying which end this process is. Addresses are IPv4 in the low 4
 * bytes of a 16-byte array, or IPv6.
 */
public final class FdInfo {
    private long fd;
    private FdType type = FdType.UNKNOWN;
    private String name = "";
    private int openFlags;
    private long ino;
    private int dev;
    private int l4proto;            // 0 unknown, 6 tcp, 17 udp, 255 raw (IPPROTO numbers), 1 icmp
    private final byte[] clientIp = new byte[16];
    private final byte[] serverIp = new byte[16];
    private int clientPort;
    private int serverPort;
    private boolean server;
    private boolean tupleKnown;

    public FdInfo(long fd) {
        this.fd = fd;
    }

    public long fd() { return fd; }
    public FdType type() { return type; }
    public String name() { return name; }
    public int openFlags() { return openFlags; }
    public long ino() { return ino; }
    /** Device of a file (sysdig's encoding: major << 20 | minor), 0 when unknown. */
    public int dev() { return dev; }
    public int l4proto() { return l4proto; }
    public int clientPort() { return clientPort; }
    public int serverPort() { return serverPort; }
    /** True when this process is the server end of the socket (it accepted or listened). */
    public boolean isServer() { return server; }
    public boolean tupleKnown() { return tupleKnown; }
    public byte[] clientIp() { return clientIp; }
    public byte[] serverIp() { return serverIp; }

    FdInfo set(FdType type, String name, int openFlags) {
        this.type = type;
        this.name = name;
        this.openFlags = openFlags;
        this.tupleKnown = false;
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

    FdInfo l4proto(int proto) {
        this.l4proto = proto;
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

    /** Sets the inet tuple: {@code client → server}; {@code isServer} says which end this process holds. */
    FdInfo tuple(byte[] cip, int cport, byte[] sip, int sport, boolean isServer) {
        System.arraycopy(cip, 0, clientIp, 0, 16);
        System.arraycopy(sip, 0, serverIp, 0, 16);
        this.clientPort = cport;
        this.serverPort = sport;
        this.server = isServer;
        this.tupleKnown = true;
        return this;
    }

    FdInfo serverRole(boolean isServer) {
        this.server = isServer;
        return this;
    }

    /** A copy with another fd number (dup). */
    FdInfo copyAs(long newFd) {
        FdInfo c = new FdInfo(newFd);
        c.type = type;
        c.name = name;
        c.openFlags = openFlags;
        c.ino = ino;
        c.dev = dev;
        c.l4proto = l4proto;
        System.arraycopy(clientIp, 0, c.clientIp, 0, 16);
        System.arraycopy(serverIp, 0, c.serverIp, 0, 16);
        c.clientPort = clientPort;
        c.serverPort = serverPort;
        c.server = server;
        c.tupleKnown = tupleKnown;
        return c;
    }

    @Override
    public String toString() {
        return fd + "(<" + type.typeChar() + ">" + name + ")";
    }
}

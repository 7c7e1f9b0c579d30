// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * Access control for a server without {@code --auth} on loopback: loopback is no access control on a host with
 * several users, so each TCP connection's peer is looked up, as the kernel finds it by its addresses and ports
 * ({@link SockDiag}; {@code /proc/net/tcp} and {@code tcp6} where that cannot be asked): the local user who owns
 * the client socket. Root, the server's own user and the members of
 * the group {@code sysql} (as /etc/passwd and /etc/group say: the daemon's socket lets in the same users) get
 * in, as {@code local:NAME} ({@link Caller}); anyone else gets a one-line 403 naming the ways in. Looked up once
 * per TCP connection.
 */
final class LocalPeers extends HandlerWrapper {
    private final String group;
    private final int ownUid;
    private final Map<EndPoint, String> callers = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * The uid of each connection's client, looked up once per connection by whoever asks first (the per-client
     * connection cap when it is accepted, or the check of its first request): -1 when not found.
     */
    private static final Map<EndPoint, Integer> UIDS = Collections.synchronizedMap(new WeakHashMap<>());

    LocalPeers(String group) {
        this.group = group;
        this.ownUid = ownUid();
    }

    /** Puts the check in front of everything {@code server} answers. */
    static void install(Server server, String group) {
        LocalPeers peers = new LocalPeers(group);
        peers.setHandler(server.getHandler());
        server.setHandler(peers);
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        EndPoint endPoint = baseRequest.getHttpChannel().getEndPoint();
        String caller = callers.get(endPoint);
        if (caller == null) { // once per TCP connection (a refused one is closed after its answer)
            caller = caller(endPoint);
            callers.put(endPoint, caller);
        }
        if (caller.startsWith("!")) {
            baseRequest.setHandled(true);
            response.setHeader("Connection", "close"); // a refused client holds no connection of the server's
            response.sendError(HttpServletResponse.SC_FORBIDDEN, caller.substring(1));
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        super.handle(target, baseRequest, request, response);
    }

    /** The caller of a connection ({@code local:NAME}), or {@code !} and why it may not. */
    private String caller(EndPoint endPoint) {
        return caller(uidOf(endPoint));
    }

    /** The caller that is the local user {@code uid} ({@code local:NAME}), or {@code !} and why it may not ask. */
    String caller(int uid) {
        String[] user = uid < 0 ? null : passwd(uid);
        String name = user == null ? null : user[0];
        if (uid == 0 || (uid >= 0 && uid == ownUid) || (user != null && inGroup(user))) {
            return Caller.local(name != null ? name : String.valueOf(uid));
        }
        return "!this server takes local clients of root or of the group " + group + " only"
                + (uid < 0
                        ? " (the client is not a local user's)"
                        : " (the client runs as " + (name != null ? name : "uid " + uid) + ")")
                + ": run it as root, add the user to the group " + group + " (usermod -aG " + group
                + " USER), or start the server with --auth";
    }

    /** The uid owning the client end of {@code endPoint}'s TCP connection, -1 if not found; looked up once. */
    static int uidOf(EndPoint endPoint) {
        Integer known = UIDS.get(endPoint);
        if (known != null) {
            return known;
        }
        int uid = -1;
        InetSocketAddress remote = endPoint.getRemoteAddress();
        InetSocketAddress local = endPoint.getLocalAddress();
        if (remote != null && local != null && remote.getAddress() != null && local.getAddress() != null) {
            try {
                uid = uidOf(remote.getAddress(), remote.getPort(), local.getAddress(), local.getPort());
            } catch (IOException e) {
                uid = -1;
            }
        }
        UIDS.put(endPoint, uid);
        return uid;
    }

    /**
     * The uid owning the TCP socket whose local end is {@code client}:{@code clientPort} and remote end
     * {@code server}:{@code serverPort}, as the kernel finds it for {@link SockDiag} (one lookup), else as
     * /proc/net/tcp or tcp6 lists it; -1 when none is there (not a socket of this host's network namespace).
     */
    static int uidOf(InetAddress client, int clientPort, InetAddress server, int serverPort) throws IOException {
        int asked = SockDiag.uidOf(client, clientPort, server, serverPort);
        if (asked != SockDiag.UNAVAILABLE) {
            return asked;
        }
        return uidInProc(client, clientPort, server, serverPort);
    }

    /** {@link #uidOf} as /proc/net/tcp and tcp6 list the sockets: every line read (where netlink cannot be asked). */
    static int uidInProc(InetAddress client, int clientPort, InetAddress server, int serverPort) throws IOException {
        int uid = -1;
        if (client.getAddress().length == 4) {
            uid = uidIn("/proc/net/tcp", procAddress(client, clientPort), procAddress(server, serverPort));
        }
        if (uid < 0) { // an IPv6 socket, or an IPv4 one of a dual-stack socket (Java's own), as ::ffff:a.b.c.d
            uid = uidIn("/proc/net/tcp6", procAddress(v6(client), clientPort), procAddress(v6(server), serverPort));
        }
        return uid;
    }

    private static int uidIn(String table, String local, String remote) throws IOException {
        for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
            if (!line.contains(local)) {
                continue; // most lines: no split (this runs for every loopback connection the server accepts)
            }
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if (f.length > 7 && f[1].equals(local) && f[2].equals(remote)) {
                return Integer.parseInt(f[7]);
            }
        }
        return -1;
    }

    /** The 16 bytes of an IPv6 address; an IPv4 one as the IPv4-mapped ::ffff:a.b.c.d. */
    private static byte[] v6(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }

    /** An address as /proc/net/tcp writes it: each 32-bit word in the host's (little-endian) order, then the port. */
    static String procAddress(InetAddress a, int port) {
        return procAddress(a.getAddress(), port);
    }

    static String procAddress(byte[] b, int port) {
        StringBuilder s = new StringBuilder();
        for (int word = 0; word < b.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                s.append(String.format(Locale.ROOT, "%02X", b[word + i] & 0xff));
            }
        }
        return s.append(String.format(Locale.ROOT, ":%04X", port)).toString();
    }

    /** The /etc/passwd entry of {@code uid} (name, password, uid, gid, …), or null. */
    static String[] passwd(int uid) {
        return entry(Path.of("/etc/passwd"), 2, String.valueOf(uid));
    }

    /** Whether the user of a passwd entry is in the group: its primary group, or a member /etc/group lists. */
    private boolean inGroup(String[] user) {
        String[] g = entry(Path.of("/etc/group"), 0, group);
        return g != null && (g[2].equals(user[3]) || List.of(g[3].split(",")).contains(user[0]));
    }

    /** The members /etc/group lists for {@code group} (its secondary members). */
    static List<String> groupMembers(String group) {
        String[] g = entry(Path.of("/etc/group"), 0, group);
        return g == null ? List.of() : List.of(g[3].split(","));
    }

    /** The first line of a passwd-format {@code file} (at least 4 fields) whose field {@code key} is {@code value}. */
    private static String[] entry(Path file, int key, String value) {
        for (String[] f : fields(file)) {
            if (f.length >= 4 && f[key].equals(value)) {
                return f;
            }
        }
        return null;
    }

    private static List<String[]> fields(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(l -> l.split(":", -1))
                    .toList();
        } catch (IOException e) {
            return List.of(); // nobody but root then
        }
    }

    private static int ownUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]); // the effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            // root only then
        }
        return 0;
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.calcite.avatica.remote.Handler;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import sysql.jdbc.DaemonSocket;

/**
 * The {@code sysql daemon}'s listener: Avatica's protobuf protocol over a Unix domain socket (frames of
 * {@link DaemonSocket}), no TCP port. Access is the socket file's: mode 0660, owner root, group {@code sysql}
 * (in a directory of mode 0750 with that group), and checked again per connection from the peer's
 * credentials (root, or a member of the group as /etc/group says). A connection belongs to the user who
 * opened it (to another user it does not exist: {@link SysqlMeta} sees to that for every front end), and it is closed, with its streams, when the socket
 * that opened it closes: a client that dies frees its subscriptions at once. A stale socket file of a daemon
 * that died is replaced; one that answers means another daemon runs, and this one does not start.
 */
final class UnixSocketServer implements AutoCloseable {
    /** Sockets open at once, and per user; more are refused with a one-line answer. */
    static final int MAX_CLIENTS = 256;

    static final int MAX_CLIENTS_PER_USER = 32;

    private static final ProtobufTranslation TRANSLATION = new ProtobufTranslationImpl();

    private final Path path;
    private final String group;
    private final Service service;
    /** Answers each request; an error as one line, with no stack trace (as sysql serve's HTTP clients get them). */
    private final AvaticaWire handler;

    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> socketsOf = new ConcurrentHashMap<>();
    /** Closes refused sockets a moment after their answer (the client reads it), off the accepting thread. */
    private final java.util.concurrent.ScheduledExecutorService closer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sysql-daemon-refusals");
                t.setDaemon(true);
                return t;
            });

    private final AtomicInteger threads = new AtomicInteger();
    private volatile boolean closed;

    private UnixSocketServer(Path path, String group, Service service, ServerSocketChannel server) {
        this.path = path;
        this.group = group;
        this.service = service;
        this.handler = new AvaticaWire(service);
        this.server = server;
        this.acceptor = new Thread(this::accept, "sysql-daemon-accept");
        acceptor.setDaemon(true);
    }

    /** Listens on {@code path}; every problem is one line naming the fix. */
    static UnixSocketServer start(Path path, String group, Service service) throws SysqlServer.ServeException {
        GroupPrincipal g = groupOrNull(group);
        try {
            prepareDirectory(path.getParent(), g);
            removeStale(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(path));
                PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                view.setPermissions(PosixFilePermissions.fromString(g == null ? "rw-------" : "rw-rw----"));
                if (g != null) {
                    view.setGroup(g);
                }
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            UnixSocketServer s = new UnixSocketServer(path, group, service, server);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            throw new SysqlServer.ServeException("cannot listen on " + path + ": " + e.getMessage()
                    + (e instanceof java.nio.file.AccessDeniedException || DaemonSocket.isDenied(e)
                            ? " (the daemon runs as root)"
                            : ""));
        }
    }

    /** Fails when another daemon answers on {@code path}. */
    static void checkFree(Path path) throws SysqlServer.ServeException {
        if (answers(path)) {
            throw new SysqlServer.ServeException("cannot listen on " + path + ": " + ANOTHER_DAEMON);
        }
    }

    private static final String ANOTHER_DAEMON =
            "another sysql daemon answers there: stop it first (systemctl stop sysql), or give this one another --socket";

    /** Whether something listens on {@code path} (a file there that no one listens on does not answer). */
    private static boolean answers(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            DaemonSocket.connect(path).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static GroupPrincipal groupOrNull(String group) {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            return null; // root only, until the group exists (scripts/install-daemon.sh makes it)
        } catch (IOException e) {
            return null;
        }
    }

    /** A directory of the daemon's own: made if missing, 0750 with the group (0700 without one). */
    private static void prepareDirectory(Path dir, GroupPrincipal g) throws IOException {
        if (dir == null) {
            return;
        }
        boolean own = !Files.isDirectory(dir) || dir.equals(DaemonSocket.DEFAULT_PATH.getParent());
        Files.createDirectories(dir);
        if (own) {
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setPermissions(PosixFilePermissions.fromString(g == null ? "rwx------" : "rwxr-x---"));
            if (g != null) {
                view.setGroup(g);
            }
        }
    }

    /** Deletes the socket of a daemon that died; another daemon's live one, or a file that is no socket, stays. */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (answers(path)) {
            throw new IOException(ANOTHER_DAEMON);
        }
        if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther()) {
            throw new IOException("it is a file, not a socket: give the daemon another --socket");
        }
        Files.delete(path);
    }

    private void accept() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            String user;
            try {
                user = allowedUser(ch);
            } catch (IOException e) {
                refuse(ch, "the sysql daemon could not tell who is connecting: " + e.getMessage());
                continue;
            }
            if (user == null) {
                refuse(ch, DaemonSocket.denied(path));
                continue;
            }
            if (clients.size() >= MAX_CLIENTS) {
                refuse(ch, "the sysql daemon serves " + MAX_CLIENTS + " sockets already: close some clients");
                continue;
            }
            if (socketsOf.merge(user, 1, Integer::sum) > MAX_CLIENTS_PER_USER) {
                socketsOf.merge(user, -1, Integer::sum);
                refuse(
                        ch,
                        "the sysql daemon serves " + MAX_CLIENTS_PER_USER + " sockets of " + user
                                + " already: close some of your clients");
                continue;
            }
            clients.add(ch);
            Thread t = new Thread(() -> serve(ch, user), "sysql-daemon-client-" + threads.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    /** The peer's user name if it may use the daemon, else null. */
    private String allowedUser(SocketChannel ch) throws IOException {
        UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = peer.user().getName();
        if (user.equals("root") || user.equals("0") || peer.group().getName().equals(group)) {
            return user;
        }
        return LocalPeers.groupMembers(group).contains(user) ? user : null;
    }

    /**
     * Answers {@code message} without reading anything (a client that sends nothing must not hold up the
     * accepting thread) and closes the socket a moment later, so the client, which writes its request first,
     * can still read the answer.
     */
    private void refuse(SocketChannel ch, String message) {
        try {
            DaemonSocket.writeRefusal(ch, message);
            ch.shutdownOutput();
        } catch (IOException e) {
            // it went away
        }
        var unused = closer.schedule( // the close needs no one to wait for it
                () -> {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // gone
                    }
                },
                2,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /** One client socket: requests in order until it closes; then the connections it opened are closed. */
    private void serve(SocketChannel ch, String user) {
        String caller = Caller.local(user);
        Set<String> opened = ConcurrentHashMap.newKeySet();
        try (ch) {
            for (byte[] request; (request = DaemonSocket.readRequest(ch)) != null; ) {
                Service.Request r;
                try {
                    r = TRANSLATION.parseRequest(request);
                } catch (IOException | RuntimeException e) {
                    DaemonSocket.writeRefusal(ch, "the sysql daemon cannot read that request: " + e.getMessage());
                    continue;
                }
                String connection = connectionId(r);
                byte[] body = request;
                // the Meta keeps each connection its caller's: another user's is as if it did not exist
                Handler.HandlerResponse<byte[]> answer = Caller.as(caller, () -> handler.protobuf(body));
                boolean ok = answer.getStatusCode() == java.net.HttpURLConnection.HTTP_OK;
                if (r instanceof Service.OpenConnectionRequest && connection != null && ok) {
                    opened.add(connection); // closed with this socket
                } else if (r instanceof Service.CloseConnectionRequest && connection != null) {
                    opened.remove(connection);
                }
                DaemonSocket.writeAnswer(ch, DaemonSocket.OK, answer.getResponse());
            }
        } catch (DaemonSocket.FrameTooLarge e) {
            try {
                DaemonSocket.writeRefusal(ch, e.getMessage());
            } catch (IOException ignored) {
                // it goes anyway
            }
        } catch (IOException e) {
            // the client went away: below, its connections go too
        } finally {
            clients.remove(ch);
            socketsOf.merge(user, -1, Integer::sum);
            for (String id : opened) {
                closeConnection(id, caller);
            }
        }
    }

    private void closeConnection(String id, String caller) {
        try {
            Caller.as(caller, () -> service.apply(new Service.CloseConnectionRequest(id)));
        } catch (RuntimeException e) {
            // already closed (expired)
        }
    }

    /** The {@code connectionId} of an Avatica request (every kind but a few has one), or null. */
    private static String connectionId(Service.Request r) {
        try {
            Field f = r.getClass().getField("connectionId");
            Object v = f.get(r);
            return v instanceof String s ? s : null;
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return null;
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        closed = true;
        closer.shutdownNow();
        try {
            server.close();
        } catch (IOException e) {
            // going anyway
        }
        for (SocketChannel ch : clients) {
            try {
                ch.close();
            } catch (IOException e) {
                // going anyway
            }
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a stale socket: the next start replaces it
        }
    }
}

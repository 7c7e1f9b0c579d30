// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's transport to the {@code sysql daemon} over its Unix domain socket (plugged in as Avatica's
 * {@code httpclient_impl}; the URL is {@code file:} + the socket's path). One connection's requests go over
 * its own <em>session</em> socket, the one that opened the connection: when this process dies, the daemon
 * sees it close and closes the connection, stopping its streams at once. A request made while another is
 * running (a cancel during a fetch) goes over a second socket.
 */
public final class UnixSocketClient implements AvaticaHttpClient {
    private static final int SPARE_SOCKETS = 2;
    private static final ProtobufTranslation TRANSLATION = new ProtobufTranslationImpl();

    private final Path path;
    private final ReentrantLock sessionLock = new ReentrantLock();
    private SocketChannel session; // guarded by sessionLock
    private final ConcurrentLinkedQueue<SocketChannel> spare = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    // Avatica's client factory makes its transports through a constructor taking the URL, and no other.
    public UnixSocketClient(URL url) {
        try {
            this.path = Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a socket path: " + url, e);
        }
    }

    @Override
    public byte[] send(byte[] request) {
        if (closed) {
            throw new IllegalStateException("this connection to the sysql daemon is closed");
        }
        byte[] answer;
        if (sessionLock.tryLock()) {
            try {
                if (session == null) {
                    session = DaemonSocket.connect(path);
                }
                answer = exchange(session, request);
            } catch (IOException e) {
                closeQuietly(session);
                session = null;
                throw failure(e);
            } finally {
                sessionLock.unlock();
            }
        } else {
            SocketChannel ch = spare.poll();
            try {
                if (ch == null) {
                    ch = DaemonSocket.connect(path);
                }
                answer = exchange(ch, request);
            } catch (IOException e) {
                closeQuietly(ch);
                throw failure(e);
            }
            if (spare.size() < SPARE_SOCKETS) {
                spare.add(ch);
                if (closed && spare.remove(ch)) {
                    closeQuietly(ch); // closed meanwhile: its spares are gone, this one too
                }
            } else {
                closeQuietly(ch);
            }
        }
        if (isCloseConnection(request)) {
            close();
        }
        return answer;
    }

    private byte[] exchange(SocketChannel ch, byte[] request) throws IOException {
        try {
            DaemonSocket.writeRequest(ch, request);
        } catch (IOException notTaken) {
            // the daemon may have refused before reading (too many sockets, access): its answer says why
            DaemonSocket.Answer a;
            try {
                a = DaemonSocket.readAnswer(ch);
            } catch (IOException none) {
                throw notTaken;
            }
            throw new Failure(a.status() == DaemonSocket.OK ? notTaken.getMessage() : a.message());
        }
        DaemonSocket.Answer a = DaemonSocket.readAnswer(ch);
        if (a.status() != DaemonSocket.OK) {
            throw new Failure(a.message());
        }
        return a.body();
    }

    /** The one line a failure says, as the message of the unchecked exception Avatica's transport may throw. */
    private RuntimeException failure(IOException e) {
        Failure f;
        if (e instanceof Failure already) {
            f = already;
        } else if (DaemonSocket.isDenied(e)) {
            f = new Failure(DaemonSocket.denied(path));
        } else {
            f = new Failure("the sysql daemon on " + path + " did not answer (" + e.getMessage()
                    + "): is it still running? (systemctl status sysql)");
        }
        return new UncheckedIOException(f.getMessage(), f);
    }

    private static boolean isCloseConnection(byte[] request) {
        try {
            return TRANSLATION.parseRequest(request) instanceof Service.CloseConnectionRequest;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Closes every socket of this connection. */
    private void close() {
        closed = true;
        sessionLock.lock();
        try {
            closeQuietly(session);
            session = null;
        } finally {
            sessionLock.unlock();
        }
        for (SocketChannel ch; (ch = spare.poll()) != null; ) {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** What went wrong talking to the daemon (it refused the request, or did not answer), in one line. */
    static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * How long a client may take to send a request, checked by one timer thread for every connection (Jetty 9 has no
 * such deadline of its own: its idle timeout restarts with every byte, so a byte every few seconds held a
 * connection, and with a blocking read a thread, for ever).
 *
 * <p>Headers: a connection's first request must be complete within {@code readTimeout} of the connect (the TLS
 * handshake included), a later one within {@code readTimeout} of its first byte; else the connection is closed.
 * An idle keep-alive connection between requests is left to the connector's idle timeout.
 *
 * <p>Bodies ({@link Body}, read asynchronously by {@link BothSerializations}): in every window of {@code readTimeout}
 * from the headers on, a body must come at {@code minBodyRate} bytes a second; else it {@link Body#expire() expires}
 * (HTTP 408, the connection closed). Each window counts on its own: bytes sent fast at first do not buy time later
 * (on an average since the headers, 16 MiB sent at once held a connection and its buffer for four hours).
 */
final class ReadDeadlines extends AbstractLifeCycle implements Connection.Listener {
    /** A request body being read. */
    interface Body {
        /** {@link System#nanoTime()} when its headers were complete. */
        long started();

        /** Bytes of it read so far. */
        long received();

        /** Answers that it came too slowly and ends it (at most once, on a thread of its own). */
        void expire();
    }

    private static final long NONE = Long.MIN_VALUE;

    private final long readNanos;
    private final long minBodyRate;
    private final long periodMillis;
    private final Map<HttpConnection, Waiting> connections = new ConcurrentHashMap<>();
    private final Map<Body, Window> bodies = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> sweeping;

    ReadDeadlines(Duration readTimeout, long minBodyRate) {
        this.readNanos = readTimeout.toNanos();
        this.minBodyRate = minBodyRate;
        // a deadline is met within a quarter of it (at most a second late)
        this.periodMillis = Math.max(20, Math.min(1000, readTimeout.toMillis() / 4));
    }

    Duration readTimeout() {
        return Duration.ofNanos(readNanos);
    }

    long minBodyRate() {
        return minBodyRate;
    }

    @Override
    protected void doStart() throws Exception {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sysql-serve-read-deadlines");
            t.setDaemon(true);
            return t;
        });
        sweeping = timer.scheduleWithFixedDelay(this::sweep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        sweeping.cancel(false);
        timer.shutdownNow();
        connections.clear();
        bodies.clear();
        super.doStop();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            connections.put(http, new Waiting(System.nanoTime()));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof HttpConnection http) {
            connections.remove(http);
        }
    }

    /** Checks {@code body} until {@link #forget} (when it is read, or its request ends otherwise). */
    void watch(Body body) {
        bodies.put(body, new Window(body.started()));
    }

    void forget(Body body) {
        bodies.remove(body);
    }

    /** Connections whose headers are being waited for, tracked (for tests). */
    int connections() {
        return connections.size();
    }

    /** Bodies being read (for tests). */
    int bodies() {
        return bodies.size();
    }

    private void sweep() {
        try {
            sweep(System.nanoTime());
        } catch (RuntimeException | LinkageError e) {
            // never let one failure end the timer's task (a scheduled task that throws is not run again)
        }
    }

    private void sweep(long now) {
        for (Map.Entry<HttpConnection, Waiting> e : connections.entrySet()) {
            try {
                if (e.getValue().overdue(e.getKey(), now, readNanos)) {
                    connections.remove(e.getKey());
                    close(e.getKey());
                }
            } catch (RuntimeException x) {
                // a connection closing under us: the next sweep no longer sees it
            }
        }
        for (Map.Entry<Body, Window> e : bodies.entrySet()) {
            Body b = e.getKey();
            if (e.getValue().tooSlow(b.received(), now, readNanos, minBodyRate) && bodies.remove(b) != null) {
                try {
                    b.expire();
                } catch (RuntimeException x) {
                    // its request ended meanwhile
                }
            }
        }
    }

    /** A body's current window: since when, and how many of its bytes had come then; the timer thread's only. */
    private static final class Window {
        private long start;
        private long receivedAtStart;

        Window(long start) {
            this.start = start;
        }

        /**
         * Whether a body with {@code received} bytes by {@code now} came slower than {@code rate} bytes a second in
         * this window, once the window is {@code length} long; a window fast enough is followed by the next.
         */
        boolean tooSlow(long received, long now, long length, long rate) {
            long elapsed = now - start;
            if (rate == 0 || elapsed < length) {
                return false;
            }
            // at least one byte: a body that sent nothing in a window is too slow, whatever the rate
            long due = Math.max(1, (long) (rate * (elapsed / 1e9)));
            if (received - receivedAtStart < due) {
                return true;
            }
            start = now;
            receivedAtStart = received;
            return false;
        }
    }

    /** Closes the connection under {@code http} (the TCP connection, under TLS too). */
    private static void close(HttpConnection http) {
        EndPoint endPoint = http.getEndPoint();
        if (endPoint instanceof SslConnection.DecryptedEndPoint decrypted) {
            endPoint = decrypted.getSslConnection().getEndPoint();
        }
        endPoint.close();
    }

    /** Since when a connection waits for a request's headers; read and written by the timer thread only. */
    private static final class Waiting {
        private final long opened;
        private long requests;
        private long since = NONE;

        Waiting(long opened) {
            this.opened = opened;
        }

        boolean overdue(HttpConnection http, long now, long limit) {
            long n = http.getMessagesIn(); // requests whose headers were complete
            if (n == 0) {
                return now - opened > limit; // the first request: from the connect
            }
            HttpParser parser = http.getParser();
            boolean partial = parser.inHeaderState() && !parser.isStart();
            if (n != requests) {
                requests = n;
                since = partial ? now : NONE;
                return false;
            }
            if (!partial) {
                since = NONE; // idle between requests, or in a body or an answer
                return false;
            }
            if (since == NONE) {
                since = now; // the next request's first bytes
                return false;
            }
            return now - since > limit;
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What a client may hold of {@code sysql serve}'s HTTP transport, authenticated or not: how many connections in all
 * ({@code maxConnections}: past it the server stops accepting, so a further client waits in the listen queue and
 * no open connection is evicted), how many of them from one client address ({@code maxConnectionsPerAddress}:
 * a further connection from that address is closed at once, before a byte of it is read, and again no open
 * connection is evicted; at or above {@code maxConnections} only the cap in all holds; see
 * {@link AddressConnectionLimit}), how many requests of one user at once ({@code maxRequestsPerUser}; the
 * authenticated user, or the local user, or without either the remote address: past it HTTP 429), how long a
 * request's headers may take ({@code readTimeout}, from the connect or the request's first byte: then the
 * connection is closed) and how slowly its body may come (at least {@code minBodyRate} bytes a second once
 * {@code readTimeout} has passed: else HTTP 408; a body is read without holding a thread, see
 * {@link BothSerializations}), how long an idle keep-alive connection stays open ({@code keepAliveTimeout}), and
 * failed logins ({@code maxLoginFailures} per user name and per address, then a back-off from
 * {@code loginBackoff} doubling up to {@code maxLoginBackoff}: HTTP 429 with Retry-After, see
 * {@link LoginBackoff}), and the bytes of request bodies held in memory at once, over all of them
 * ({@code maxBodyBytes}, by default an eighth of the heap between 64 MiB and 1 GiB: past it HTTP 503, see
 * {@link BodyBudget}).
 */
public record TransportLimits(
        int maxConnections,
        int maxRequestsPerUser,
        Duration readTimeout,
        int minBodyRate,
        Duration keepAliveTimeout,
        int maxLoginFailures,
        Duration loginBackoff,
        Duration maxLoginBackoff,
        long maxBodyBytes,
        int maxConnectionsPerAddress) {
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    /**
     * An eighth of {@link #DEFAULT_MAX_CONNECTIONS}, so one address never holds more than that and at least eight
     * addresses always get in; over twice what one JVM's Avatica driver opens to a server (a pool of 25 per route),
     * so two clients behind one address (a NAT, a shared host) still have all theirs.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    /** Under Jetty's 200 threads (Avatica's pool), so one user never takes them all. */
    public static final int DEFAULT_MAX_REQUESTS_PER_USER = 128;

    public static final int DEFAULT_READ_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_MIN_BODY_RATE = 1024;
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
    public static final int DEFAULT_MAX_LOGIN_FAILURES = 5;

    public TransportLimits {
        if (maxConnections < 1
                || maxRequestsPerUser < 1
                || minBodyRate < 0
                || maxLoginFailures < 0
                || maxBodyBytes < 1
                || maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("transport limits must be positive: " + maxConnections + " connections, "
                    + maxConnectionsPerAddress + " connections per address, " + maxRequestsPerUser
                    + " requests per user, " + minBodyRate + " bytes/s, " + maxLoginFailures + " login failures, "
                    + maxBodyBytes + " body bytes");
        }
        for (Duration d : new Duration[] {readTimeout, keepAliveTimeout, loginBackoff, maxLoginBackoff}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("transport timeouts must be positive: " + d);
            }
        }
    }

    /** These limits, with {@link #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} connections per address. */
    public TransportLimits(
            int maxConnections,
            int maxRequestsPerUser,
            Duration readTimeout,
            int minBodyRate,
            Duration keepAliveTimeout,
            int maxLoginFailures,
            Duration loginBackoff,
            Duration maxLoginBackoff,
            long maxBodyBytes) {
        this(
                maxConnections,
                maxRequestsPerUser,
                readTimeout,
                minBodyRate,
                keepAliveTimeout,
                maxLoginFailures,
                loginBackoff,
                maxLoginBackoff,
                maxBodyBytes,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /**
     * These limits, with the default budget of body bytes ({@link BodyBudget#defaultBytes()}) and
     * {@link #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} connections per address.
     */
    public TransportLimits(
            int maxConnections,
            int maxRequestsPerUser,
            Duration readTimeout,
            int minBodyRate,
            Duration keepAliveTimeout,
            int maxLoginFailures,
            Duration loginBackoff,
            Duration maxLoginBackoff) {
        this(
                maxConnections,
                maxRequestsPerUser,
                readTimeout,
                minBodyRate,
                keepAliveTimeout,
                maxLoginFailures,
                loginBackoff,
                maxLoginBackoff,
                BodyBudget.defaultBytes());
    }

    /** These limits with another cap on the connections of one address. */
    public TransportLimits withMaxConnectionsPerAddress(int perAddress) {
        return new TransportLimits(
                maxConnections,
                maxRequestsPerUser,
                readTimeout,
                minBodyRate,
                keepAliveTimeout,
                maxLoginFailures,
                loginBackoff,
                maxLoginBackoff,
                maxBodyBytes,
                perAddress);
    }

    /** The defaults of {@code sysql serve}. */
    public static TransportLimits defaults() {
        return new TransportLimits(
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_REQUESTS_PER_USER,
                Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS),
                DEFAULT_MIN_BODY_RATE,
                Duration.ofSeconds(DEFAULT_KEEP_ALIVE_SECONDS),
                DEFAULT_MAX_LOGIN_FAILURES,
                Duration.ofSeconds(1),
                Duration.ofSeconds(60));
    }

    /**
     * Applies these limits to Avatica's server before it starts: the connectors' idle timeout and read deadlines, the
     * connection caps (in all and per address), the per-user cap and body deadlines of {@link BothSerializations},
     * and (with authentication) the login back-off around every handler.
     */
    ServerCustomizer<Server> customizer(boolean authenticated) {
        return server -> apply(server, authenticated);
    }

    private void apply(Server server, boolean authenticated) {
        ReadDeadlines deadlines = new ReadDeadlines(readTimeout, minBodyRate);
        server.addBean(deadlines); // started and stopped with the server
        // at or above the cap in all, a cap per address never closes a connection: none then
        AddressConnectionLimit perAddress =
                maxConnectionsPerAddress < maxConnections ? new AddressConnectionLimit(maxConnectionsPerAddress) : null;
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector sc) {
                sc.setIdleTimeout(keepAliveTimeout.toMillis());
                sc.addBean(deadlines, false); // a Connection.Listener of each connection it makes
                if (perAddress != null) {
                    sc.addBean(perAddress, false); // likewise
                }
                for (ConnectionFactory f : sc.getConnectionFactories()) {
                    if (f instanceof HttpConnectionFactory h) {
                        // handle a request when its headers are complete, not at its body's first byte (Jetty's
                        // default): a body too large is refused at once, and a body's deadline starts then
                        h.getHttpConfiguration().setDelayDispatchUntilContent(false);
                    }
                }
            }
        }
        server.addBean(new NetworkConnectionLimit(maxConnections, server));
        BothSerializations handler = server.getChildHandlerByClass(BothSerializations.class);
        if (handler != null) {
            handler.limit(new InFlight(maxRequestsPerUser), deadlines, new BodyBudget(maxBodyBytes));
        }
        if (authenticated && maxLoginFailures > 0) {
            LoginBackoff backoff = new LoginBackoff(maxLoginFailures, loginBackoff, maxLoginBackoff);
            backoff.setHandler(server.getHandler());
            server.setHandler(backoff);
        }
    }

    /**
     * Jetty's connection limit, counting a TLS connection once: Jetty tells its listeners of the TLS connection and
     * of the HTTP connection inside it, and its own {@link ConnectionLimit} would count both.
     */
    static final class NetworkConnectionLimit extends ConnectionLimit {
        NetworkConnectionLimit(int maxConnections, Server server) {
            super(maxConnections, server);
        }

        @Override
        public void onOpened(Connection connection) {
            if (!(connection.getEndPoint() instanceof SslConnection.DecryptedEndPoint)) {
                super.onOpened(connection);
            }
        }

        @Override
        public void onClosed(Connection connection) {
            if (!(connection.getEndPoint() instanceof SslConnection.DecryptedEndPoint)) {
                super.onClosed(connection);
            }
        }
    }

    /**
     * At most {@code max} open connections from one client (a TLS connection counted once, as by
     * {@link NetworkConnectionLimit}): a connection that opens while its client has {@code max} open is closed at
     * once, before a byte of it is read; no open connection is closed for it. The cap in all stops accepting, but
     * which client a connection comes from is known only once it is accepted, so past this cap the connection is
     * closed instead (the client sees the close; accepting and closing holds no thread). A client is what
     * {@link Clients#ofConnection} says: an address, an IPv6 /64, or on loopback the local user (so one local user
     * cannot take every local user's share, nor get more by connecting from other 127.x addresses). A client's count
     * is forgotten when its last connection closes.
     */
    static final class AddressConnectionLimit implements Connection.Listener {
        private final int max;
        /** Open connections of each client that has any. */
        private final Map<String, Integer> open = new ConcurrentHashMap<>();
        /** The connections counted, with their client: only those are uncounted on close. */
        private final Map<Connection, String> counted = new ConcurrentHashMap<>();

        AddressConnectionLimit(int max) {
            this.max = max;
        }

        @Override
        public void onOpened(Connection connection) {
            if (connection.getEndPoint() instanceof SslConnection.DecryptedEndPoint) {
                return; // the HTTP connection inside a TLS one, counted as that
            }
            InetSocketAddress remote = connection.getEndPoint().getRemoteAddress();
            if (remote == null || remote.getAddress() == null) {
                return; // not an IP connection: the cap in all holds it
            }
            String client = Clients.ofConnection(connection.getEndPoint());
            boolean[] admitted = {false};
            open.compute(client, (a, n) -> {
                int now = n == null ? 0 : n;
                if (now >= max) {
                    return n;
                }
                admitted[0] = true;
                counted.put(connection, client); // with the count, so that a close right after uncounts it
                return now + 1;
            });
            if (!admitted[0]) {
                connection.getEndPoint().close();
            }
        }

        @Override
        public void onClosed(Connection connection) {
            String client = counted.remove(connection);
            if (client != null) {
                open.computeIfPresent(client, (a, n) -> n > 1 ? n - 1 : null);
            }
        }

        /** Open connections of {@code client} (a key of {@link Clients}). */
        int open(String client) {
            return open.getOrDefault(client, 0);
        }

        /** Clients with an open connection. */
        int addresses() {
            return open.size();
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.time.Duration;
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
 * no open connection is evicted), how many requests of one user at once ({@code maxRequestsPerUser}; the
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
        long maxBodyBytes) {
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
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
                || maxBodyBytes < 1) {
            throw new IllegalArgumentException("transport limits must be positive: " + maxConnections + " connections, "
                    + maxRequestsPerUser + " requests per user, " + minBodyRate + " bytes/s, " + maxLoginFailures
                    + " login failures, " + maxBodyBytes + " body bytes");
        }
        for (Duration d : new Duration[] {readTimeout, keepAliveTimeout, loginBackoff, maxLoginBackoff}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("transport timeouts must be positive: " + d);
            }
        }
    }

    /** These limits, with the default budget of body bytes ({@link BodyBudget#defaultBytes()}). */
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
     * connection cap, the per-user cap and body deadlines of {@link BothSerializations}, and (with authentication) the
     * login back-off around every handler.
     */
    ServerCustomizer<Server> customizer(boolean authenticated) {
        return server -> apply(server, authenticated);
    }

    private void apply(Server server, boolean authenticated) {
        ReadDeadlines deadlines = new ReadDeadlines(readTimeout, minBodyRate);
        server.addBean(deadlines); // started and stopped with the server
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector sc) {
                sc.setIdleTimeout(keepAliveTimeout.toMillis());
                sc.addBean(deadlines, false); // a Connection.Listener of each connection it makes
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
}

// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.time.Duration;
import picocli.CommandLine.Option;
import sysql.server.TransportLimits;

/** What a client may hold of {@code sysql serve}'s HTTP transport: connections, requests, time, login attempts. */
final class TransportOptions {
    @Option(
            names = "--max-http-connections",
            paramLabel = "N",
            defaultValue = "" + TransportLimits.DEFAULT_MAX_CONNECTIONS,
            description = "Open HTTP connections in all, authenticated or not (default ${DEFAULT-VALUE}); "
                    + "further clients wait to be accepted.")
    int maxConnections;

    @Option(
            names = "--max-http-connections-per-address",
            paramLabel = "N",
            defaultValue = "" + TransportLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            description = "Open HTTP connections of one client, authenticated or not (default ${DEFAULT-VALUE}): "
                    + "an address, an IPv6 /64, on loopback a local user; a further one of it is closed at once.")
    int maxConnectionsPerAddress;

    @Option(
            names = "--max-requests-per-user",
            paramLabel = "N",
            defaultValue = "" + TransportLimits.DEFAULT_MAX_REQUESTS_PER_USER,
            description = "Requests of one user (or address, without --auth) served at once (default "
                    + "${DEFAULT-VALUE}); more get HTTP 429.")
    int maxRequestsPerUser;

    @Option(
            names = "--read-timeout",
            paramLabel = "S",
            defaultValue = "" + TransportLimits.DEFAULT_READ_TIMEOUT_SECONDS,
            description = "A request's headers must arrive within this long, else the connection is closed; its body "
                    + "then comes at --min-body-rate in each window of this length (default ${DEFAULT-VALUE}).")
    int readTimeout;

    @Option(
            names = "--min-body-rate",
            paramLabel = "BYTES",
            defaultValue = "" + TransportLimits.DEFAULT_MIN_BODY_RATE,
            description = "Bytes a second a request body must come at in every --read-timeout window (default "
                    + "${DEFAULT-VALUE}; 0: no minimum); slower gets HTTP 408.")
    int minBodyRate;

    @Option(
            names = "--keepalive-timeout",
            paramLabel = "S",
            defaultValue = "" + TransportLimits.DEFAULT_KEEP_ALIVE_SECONDS,
            description = "An HTTP connection idle this long between requests is closed (default ${DEFAULT-VALUE}).")
    int keepAliveTimeout;

    @Option(
            names = "--max-login-failures",
            paramLabel = "N",
            defaultValue = "" + TransportLimits.DEFAULT_MAX_LOGIN_FAILURES,
            description = "Failed logins per user name and per address before each further attempt waits 1 s, "
                    + "doubling up to 60 s (HTTP 429 with Retry-After; default ${DEFAULT-VALUE}; 0: no limit).")
    int maxLoginFailures;

    TransportLimits limits() {
        positive("--max-http-connections", maxConnections);
        positive("--max-http-connections-per-address", maxConnectionsPerAddress);
        positive("--max-requests-per-user", maxRequestsPerUser);
        positive("--read-timeout", readTimeout);
        positive("--keepalive-timeout", keepAliveTimeout);
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("--min-body-rate " + minBodyRate + " is negative: give 0 or more");
        }
        if (maxLoginFailures < 0) {
            throw new IllegalArgumentException(
                    "--max-login-failures " + maxLoginFailures + " is negative: give 0 (no limit) or more");
        }
        TransportLimits d = TransportLimits.defaults();
        return new TransportLimits(
                maxConnections,
                maxRequestsPerUser,
                Duration.ofSeconds(readTimeout),
                minBodyRate,
                Duration.ofSeconds(keepAliveTimeout),
                maxLoginFailures,
                d.loginBackoff(),
                d.maxLoginBackoff(),
                d.maxBodyBytes(),
                maxConnectionsPerAddress);
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " " + value + " is not positive: give 1 or more");
        }
    }
}

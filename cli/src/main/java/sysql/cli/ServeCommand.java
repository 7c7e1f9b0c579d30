// SPDX-License-Identifier: Apache-2.0
package sysql.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sysql.jdbc.DaemonSocket;
import sysql.server.SqlMetrics;
import sysql.server.SysqlServer;
import sysql.server.TransportLimits;

/**
 * {@code sysql serve}: this host's events over Avatica's HTTP protocol, for remote JDBC, BI tools and curl, and with
 * {@code --flight-sql PORT} over Arrow Flight SQL too.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve SQL over this host's events to remote clients (Avatica over HTTP: protobuf and JSON).",
            "JDBC: jdbc:avatica:remote:url=http://HOST:PORT;serialization=PROTOBUF   shell: sysql shell --url URL",
            "Flight SQL (--flight-sql FPORT): jdbc:arrow-flight-sql://HOST:FPORT/?useEncryption=false (true with TLS)"
        })
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConnectOptions connect = new ConnectOptions();

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description =
                    "Address to listen on (default ${DEFAULT-VALUE}); any other than loopback needs --auth or --insecure.")
    String bind;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8765",
            description = "TCP port (default ${DEFAULT-VALUE}; 0: any free one).")
    int port;

    @Option(
            names = "--auth",
            paramLabel = "basic|digest",
            defaultValue = "none",
            description = "HTTP authentication against --users (default none).")
    SysqlServer.Auth auth;

    @Option(
            names = "--users",
            paramLabel = "FILE",
            description =
                    "Users in Jetty's realm format, a line each: 'name: password,role' (passwords plain, MD5: or CRYPT:).")
    Path users;

    @Option(
            names = "--roles",
            paramLabel = "ROLE",
            split = ",",
            defaultValue = "sysql",
            description = "Roles allowed to query (default ${DEFAULT-VALUE}); other users get 403.")
    List<String> roles;

    @Option(
            names = "--tls-keystore",
            paramLabel = "FILE",
            description = "Serve HTTPS only, with this keystore (PKCS12 or JKS).")
    Path tlsKeystore;

    @Option(
            names = "--tls-password-file",
            paramLabel = "FILE",
            description = "File whose first line is the keystore's password.")
    Path tlsPasswordFile;

    @Option(names = "--insecure", description = "Allow a non-loopback --bind without authentication.")
    boolean insecure;

    @Option(
            names = "--metrics",
            paramLabel = "FILE",
            description =
                    "Serve GET /metrics (Prometheus): each windowed SELECT STREAM … GROUP BY TUMBLE(evt.time, …), "
                            + "labels… of FILE is a metric; its GROUP BY columns are labels, its aggregates samples (COUNT/SUM "
                            + "counters, others gauges; -- HELP/-- TYPE lines as in the exposition format). Repeatable.")
    List<Path> metrics = new java.util.ArrayList<>();

    @Option(
            names = "--metrics-max-series",
            paramLabel = "N",
            defaultValue = "10000",
            description = "Series per metric statement (default ${DEFAULT-VALUE}); a row past them is dropped and "
                    + "counted in sysql_metrics_dropped_rows_total.")
    int metricsMaxSeries;

    @Option(
            names = "--metrics-stale",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "Remove a series no row has moved for this long (default ${DEFAULT-VALUE}).")
    long metricsStaleSeconds;

    @Option(
            names = "--flight-sql",
            paramLabel = "PORT",
            description = "Also serve Arrow Flight SQL on this TCP port (0: any free one), on --bind, with the same "
                    + "engine, --auth basic users, read-only rule, limits and --tls-keystore.")
    Integer flightSql;

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Mixin
    TransportOptions transport = new TransportOptions();

    @Override
    public Integer call() {
        SysqlServer server;
        try {
            TransportLimits transportLimits = transport.limits(); // a wrong value is one line before anything opens
            String password = tlsPasswordFile == null ? null : firstLine(tlsPasswordFile);
            SqlMetrics.Settings metricsSettings = new SqlMetrics.Settings(metricsMaxSeries, metricsStaleSeconds);
            SysqlServer.Options options = new SysqlServer.Options(
                    bind,
                    port,
                    auth,
                    users,
                    roles,
                    tlsKeystore,
                    password,
                    insecure,
                    limits.limits(),
                    limits.clientRights(connect.properties()),
                    connect.socket, // also local clients, as sysql daemon serves them: one capture for both
                    DaemonSocket.DEFAULT_GROUP,
                    true,
                    transportLimits);
            server = SysqlServer.start(
                    flightSql == null ? options : options.withFlightSql(flightSql), metrics, metricsSettings);
        } catch (SysqlServer.ServeException | IllegalArgumentException e) {
            System.err.println("sysql serve: " + e.getMessage());
            return 1;
        }
        server.closeOnExit("sysql-serve-stop");
        System.out.println("sysql serve: listening on " + server.url() + " (Avatica protobuf and JSON; auth "
                + auth.name().toLowerCase(Locale.ROOT)
                + (auth == SysqlServer.Auth.NONE ? "" : ", roles " + String.join(",", roles))
                + ")");
        System.out.println("  JDBC: jdbc:avatica:remote:url=" + server.url() + ";serialization=PROTOBUF");
        if (!metrics.isEmpty()) {
            System.out.println("  Prometheus: " + server.url() + "/metrics (the statements of "
                    + metrics.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        if (server.flightSqlUrl() != null) {
            System.out.println("  Flight SQL: " + server.flightSqlUrl() + " (Arrow's Flight SQL JDBC driver; port "
                    + server.flightSqlPort() + " for other Flight SQL clients)");
        }
        if (server.socket() != null) {
            System.out.println("  local clients: " + server.socket());
        }
        System.out.flush();
        server.awaitClose();
        return 0;
    }

    private static String firstLine(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("")
                    .strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the password file " + f + ": " + e.getMessage());
        }
    }
}

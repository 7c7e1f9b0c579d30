// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.File;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import sysql.calcite.sql.MetricQueries;
import sysql.jdbc.SysqlDriver;

/**
 * {@code sysql serve}: Avatica's HTTP server over {@code jdbc:sysql:}, so any JDBC program
 * ({@code jdbc:avatica:remote:url=http://HOST:PORT;serialization=PROTOBUF}), sysql's own shell
 * ({@code --url}) or plain HTTP with JSON can query this host's events. Loopback unless told otherwise, and a
 * non-loopback address only with authentication (or an explicit {@code insecure}); HTTP basic or digest
 * against a Jetty realm file with roles; TLS from a keystore. The capture opens when the server starts and
 * is shared by every client's queries.
 */
public final class SysqlServer implements AutoCloseable {
    static final String EMBEDDED_URL = SysqlDriver.PREFIX;

    public enum Auth {
        NONE,
        BASIC,
        DIGEST
    }

    /** How to serve: where, who may, and the engine's connection properties (capture settings, or a file). */
    public record Options(
            String bind,
            int port,
            Auth auth,
            Path users,
            List<String> roles,
            Path tlsKeystore,
            String tlsPassword,
            boolean insecure,
            ServerLimits limits,
            Properties engine,
            Path socket,
            String socketGroup,
            boolean http,
            TransportLimits transport,
            int flightSqlPort) {
        /** No Flight SQL endpoint ({@link #flightSqlPort}). */
        public static final int NO_FLIGHT_SQL = -1;

        public Options {
            if (transport == null) {
                transport = TransportLimits.defaults();
            }
        }

        /** Without a Flight SQL endpoint. */
        public Options(
                String bind,
                int port,
                Auth auth,
                Path users,
                List<String> roles,
                Path tlsKeystore,
                String tlsPassword,
                boolean insecure,
                ServerLimits limits,
                Properties engine,
                Path socket,
                String socketGroup,
                boolean http,
                TransportLimits transport) {
            this(
                    bind,
                    port,
                    auth,
                    users,
                    roles,
                    tlsKeystore,
                    tlsPassword,
                    insecure,
                    limits,
                    engine,
                    socket,
                    socketGroup,
                    http,
                    transport,
                    NO_FLIGHT_SQL);
        }

        /** These options, and Arrow Flight SQL on {@code port} too (0: any free one), on the same address. */
        public Options withFlightSql(int port) {
            return new Options(
                    bind,
                    this.port,
                    auth,
                    users,
                    roles,
                    tlsKeystore,
                    tlsPassword,
                    insecure,
                    limits,
                    engine,
                    socket,
                    socketGroup,
                    http,
                    transport,
                    port);
        }

        /** With the default {@link TransportLimits}. */
        public Options(
                String bind,
                int port,
                Auth auth,
                Path users,
                List<String> roles,
                Path tlsKeystore,
                String tlsPassword,
                boolean insecure,
                ServerLimits limits,
                Properties engine,
                Path socket,
                String socketGroup,
                boolean http) {
            this(
                    bind,
                    port,
                    auth,
                    users,
                    roles,
                    tlsKeystore,
                    tlsPassword,
                    insecure,
                    limits,
                    engine,
                    socket,
                    socketGroup,
                    http,
                    TransportLimits.defaults());
        }

        /** HTTP only (sysql serve), with these transport limits. */
        public Options(
                String bind,
                int port,
                Auth auth,
                Path users,
                List<String> roles,
                Path tlsKeystore,
                String tlsPassword,
                boolean insecure,
                ServerLimits limits,
                Properties engine,
                TransportLimits transport) {
            this(
                    bind,
                    port,
                    auth,
                    users,
                    roles,
                    tlsKeystore,
                    tlsPassword,
                    insecure,
                    limits,
                    engine,
                    null,
                    null,
                    true,
                    transport);
        }

        /** Local clients on {@code socket} only, no HTTP (sysql daemon). */
        public static Options daemon(ServerLimits limits, Properties engine, Path socket, String group) {
            return new Options(
                    "127.0.0.1",
                    0,
                    Auth.NONE,
                    null,
                    List.of(),
                    null,
                    null,
                    false,
                    limits,
                    engine,
                    socket,
                    group,
                    false);
        }

        /** HTTP only (sysql serve). */
        public Options(
                String bind,
                int port,
                Auth auth,
                Path users,
                List<String> roles,
                Path tlsKeystore,
                String tlsPassword,
                boolean insecure,
                ServerLimits limits,
                Properties engine) {
            this(bind, port, auth, users, roles, tlsKeystore, tlsPassword, insecure, limits, engine, null, null, true);
        }
    }

    private final HttpServer http; // null without HTTP
    private final UnixSocketServer socket; // null without a socket
    private final FlightSqlEndpoint flight; // null without --flight-sql
    private final SysqlMeta meta;
    private final Connection held;
    private final Options options;
    private final SqlMetrics metrics; // null without --metrics
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private SysqlServer(
            HttpServer http,
            UnixSocketServer socket,
            FlightSqlEndpoint flight,
            SysqlMeta meta,
            Connection held,
            Options options,
            SqlMetrics metrics) {
        this.metrics = metrics;
        this.http = http;
        this.socket = socket;
        this.flight = flight;
        this.meta = meta;
        this.held = held;
        this.options = options;
    }

    /** Checks {@code o}, opens the engine and starts listening; every problem is one line naming the fix. */
    public static SysqlServer start(Options o) throws ServeException {
        return start(o, List.of(), SqlMetrics.Settings.DEFAULTS);
    }

    /**
     * The same, with the metrics of {@code metricsFiles} ({@link SqlMetrics}: their statements prepared before the
     * server listens, a problem in one line) at {@code /metrics}.
     */
    public static SysqlServer start(Options o, List<Path> metricsFiles, SqlMetrics.Settings metricsSettings)
            throws ServeException {
        check(o);
        if (!metricsFiles.isEmpty() && !o.http()) {
            throw new ServeException("--metrics needs the HTTP server, where /metrics is: use sysql serve");
        }
        List<MetricQueries.Statement> metricStatements = SqlMetrics.read(metricsFiles); // before the capture opens
        if (o.socket() != null) {
            UnixSocketServer.checkFree(o.socket()); // before the capture opens: another daemon there is one line
        }
        // The server's engine is this process's own, never a daemon's (its own socket, once it listens).
        Properties engine = new Properties();
        engine.putAll(o.engine());
        engine.setProperty("engine", "embedded");
        // clients may not make the server open paths (it runs as root): only the regular files under its --scap-dir
        // (scapDir), or any path if the server says so (scapFile=on)
        engine.putIfAbsent("scapFile", "off");
        // nor connect out to a fleet's brokers and run its Flink job, whatever scapFile says
        engine.setProperty("fleet", "off");
        Connection held;
        try {
            // Opens the capture now: a missing privilege stops the server before it listens, and history fills.
            held = DriverManager.getConnection(EMBEDDED_URL, engine);
        } catch (SQLException e) {
            throw new ServeException(e.getMessage());
        }
        SysqlMeta meta;
        try {
            meta = new SysqlMeta(EMBEDDED_URL, engine, o.limits());
        } catch (SQLException e) {
            close(held);
            throw new ServeException(e.getMessage());
        }
        SqlMetrics metrics = null;
        if (!metricStatements.isEmpty()) {
            try {
                metrics = SqlMetrics.start(metricStatements, metricsSettings, EMBEDDED_URL, engine);
            } catch (ServeException e) {
                meta.shutdown();
                close(held);
                throw e;
            }
        }
        LocalService service = new LocalService(meta);
        UnixSocketServer socket = null;
        if (o.socket() != null) {
            try {
                socket = UnixSocketServer.start(o.socket(), o.socketGroup(), service);
            } catch (ServeException e) {
                if (metrics != null) {
                    metrics.close();
                }
                meta.shutdown();
                close(held);
                throw e;
            }
        }
        if (!o.http()) {
            return new SysqlServer(null, socket, null, meta, held, o, null);
        }
        BothSerializations handler = new BothSerializations(service);
        if (metrics != null) {
            handler.serveMetrics(new MetricsEndpoint(metrics));
        }
        HttpServer.Builder<Server> b = new HttpServer.Builder<Server>()
                .withPort(o.port())
                .withHandler(handler)
                .withServerCustomizers(
                        List.of(
                                bindTo(o.bind()),
                                SysqlServer::oneLineErrors,
                                localPeersOnly(o),
                                o.transport().customizer(o.auth() != Auth.NONE)),
                        Server.class);
        String[] roles = o.roles().toArray(String[]::new);
        switch (o.auth()) {
            case BASIC -> b.withBasicAuthentication(o.users().toString(), roles);
            case DIGEST -> b.withDigestAuthentication(o.users().toString(), roles);
            case NONE -> {}
        }
        if (o.tlsKeystore() != null) {
            File ks = o.tlsKeystore().toFile();
            b.withTLS(ks, o.tlsPassword(), ks, o.tlsPassword());
        }
        HttpServer http = b.build();
        try {
            http.start();
        } catch (RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            meta.shutdown();
            close(held);
            throw new ServeException(startFailure(o, e));
        }
        FlightSqlEndpoint flight = null;
        if (o.flightSqlPort() != Options.NO_FLIGHT_SQL) {
            try {
                flight = FlightSqlEndpoint.start(o, meta, engine);
            } catch (ServeException e) {
                http.stop();
                if (socket != null) {
                    socket.close();
                }
                if (metrics != null) {
                    metrics.close();
                }
                meta.shutdown();
                close(held);
                throw e;
            }
        }
        return new SysqlServer(http, socket, flight, meta, held, o, metrics);
    }

    /** Jetty's own answers (401, 405, 413, a malformed HTTP request) in one line of text, never a stack trace. */
    private static void oneLineErrors(Server server) {
        server.setErrorHandler(new BothSerializations.OneLineErrorPage());
    }

    /**
     * Without --auth (so on loopback, unless --insecure), only root, this server's user and the group's members may
     * ask: loopback is reachable by every local user ({@link LocalPeers}).
     */
    private static ServerCustomizer<Server> localPeersOnly(Options o) {
        String group = o.socketGroup() != null ? o.socketGroup() : sysql.jdbc.DaemonSocket.DEFAULT_GROUP;
        return server -> {
            if (o.auth() == Auth.NONE && !o.insecure()) {
                LocalPeers.install(server, group);
            }
        };
    }

    private static ServerCustomizer<Server> bindTo(String host) {
        return server -> {
            for (Connector c : server.getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    sc.setHost(host);
                }
            }
        };
    }

    private static void check(Options o) throws ServeException {
        if (o.flightSqlPort() != Options.NO_FLIGHT_SQL) {
            FlightSqlEndpoint.requireOpenNio(); // before the capture opens
        }
        if (o.port() < 0 || o.port() > 65535) {
            throw new ServeException(
                    "--port " + o.port() + " is not a TCP port: give 1..65535 (or 0 for any free one)");
        }
        boolean loopback;
        try {
            InetAddress a = InetAddress.getByName(o.bind());
            loopback = a.isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ServeException("--bind " + o.bind() + " is not an address of this host: give an IP address "
                    + "such as 127.0.0.1 or 0.0.0.0");
        }
        if (o.auth() == Auth.NONE && !loopback && !o.insecure()) {
            throw new ServeException("refusing to serve this host's system calls on " + o.bind() + " without "
                    + "authentication: add --auth basic --users FILE (or --insecure if every host that can reach it "
                    + "may read them)");
        }
        if (o.auth() != Auth.NONE) {
            if (o.users() == null) {
                throw new ServeException("--auth " + o.auth().name().toLowerCase(Locale.ROOT)
                        + " needs --users FILE (Jetty's " + "realm format, a line per user: 'name: password,role')");
            }
            if (!Files.isReadable(o.users())) {
                throw new ServeException(
                        "cannot read the users file " + o.users() + ": it does not exist or is not " + "readable");
            }
            if (o.roles().isEmpty()) {
                throw new ServeException("--roles is empty: name the roles (of the users file) allowed to query");
            }
            if (o.auth() == Auth.DIGEST) {
                checkDigestUsers(o.users());
            }
        } else if (o.users() != null) {
            throw new ServeException("--users is given but --auth is not: add --auth basic (or digest)");
        }
        if (o.tlsKeystore() != null) {
            if (!Files.isReadable(o.tlsKeystore())) {
                throw new ServeException(
                        "cannot read the keystore " + o.tlsKeystore() + ": it does not exist or is " + "not readable");
            }
            if (o.tlsPassword() == null) {
                throw new ServeException("--tls-keystore needs its password: --tls-password-file FILE");
            }
        }
        if (o.flightSqlPort() != Options.NO_FLIGHT_SQL) {
            if (o.flightSqlPort() < 0 || o.flightSqlPort() > 65535) {
                throw new ServeException("--flight-sql " + o.flightSqlPort()
                        + " is not a TCP port: give 1..65535 (or 0 for any free one)");
            }
            if (o.auth() == Auth.DIGEST) {
                throw new ServeException("--flight-sql checks passwords as --auth basic does (Flight SQL has no "
                        + "digest authentication): use --auth basic");
            }
            if (!o.http()) {
                throw new ServeException("--flight-sql needs the HTTP server too");
            }
        }
        String scapDir = o.engine().getProperty("scapDir");
        if (scapDir != null && !scapDir.isBlank() && !Files.isDirectory(Path.of(scapDir.trim()))) {
            throw new ServeException("--scap-dir " + scapDir.trim() + " is not a directory: name the directory whose "
                    + "capture files clients may read");
        }
    }

    /** The realm digest authentication answers in (Avatica's, for the realm file's users). */
    static final String DIGEST_REALM = "Avatica";

    /**
     * Refuses a users file that digest authentication cannot check: digest needs the password itself, or
     * {@code MD5:} of {@code MD5(user:Avatica:password)} (Jetty takes an MD5 entry as that hash, not as the MD5
     * of the password as basic does); a {@code CRYPT:} entry never matches, so it is refused here, in one line.
     */
    static void checkDigestUsers(Path users) throws ServeException {
        Properties entries = new Properties();
        try (java.io.Reader in = Files.newBufferedReader(users, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            entries.load(in);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ServeException("cannot read the users file " + users + ": " + e.getMessage());
        }
        for (String user : new java.util.TreeSet<>(entries.stringPropertyNames())) {
            String credential = entries.getProperty(user).split(",", 2)[0].strip();
            if (credential.regionMatches(true, 0, "CRYPT:", 0, 6)) {
                throw new ServeException("--auth digest cannot check the CRYPT: password of " + user + " in " + users
                        + ": give it plain, or as MD5: followed by the hex MD5 of '" + user + ":" + DIGEST_REALM
                        + ":PASSWORD' (or use --auth basic)");
            }
        }
    }

    private static String startFailure(Options o, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "cannot listen on " + o.bind() + ":" + o.port() + ": " + t.getMessage()
                        + " (choose another --port or --bind)";
            }
            if (t instanceof java.security.UnrecoverableKeyException
                    || (t instanceof java.io.IOException
                            && String.valueOf(t.getMessage()).contains("password"))) {
                return "cannot open the keystore " + o.tlsKeystore() + ": " + t.getMessage()
                        + " (check --tls-password-file)";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "cannot start the server: " + root.getMessage();
    }

    /** The port it listens on (the one chosen, for port 0). */
    public int port() {
        return http == null ? -1 : http.getPort();
    }

    /** The URL clients use. */
    /** The server's metric statements, null without {@code --metrics}. */
    SqlMetrics metrics() {
        return metrics;
    }

    public String url() {
        String host = o().bind().contains(":") ? "[" + o().bind() + "]" : o().bind();
        return (o().tlsKeystore() != null ? "https" : "http") + "://" + host + ":" + port();
    }

    /** The port Arrow Flight SQL listens on, -1 without it. */
    public int flightSqlPort() {
        return flight == null ? -1 : flight.port();
    }

    /** Statements Flight SQL clients hold now (a test's view). */
    public int flightSqlStatements() {
        return flight == null ? 0 : flight.openStatements();
    }

    /** The Flight SQL JDBC driver's URL of this server, null without Flight SQL. */
    public String flightSqlUrl() {
        if (flight == null) {
            return null;
        }
        String host = o().bind().contains(":") ? "[" + o().bind() + "]" : o().bind();
        return "jdbc:arrow-flight-sql://" + host + ":" + flight.port() + "/?useEncryption="
                + (o().tlsKeystore() != null);
    }

    private Options o() {
        return options;
    }

    /** Result sets being read for clients now. */
    public int openResultSets() {
        return meta.openResultSets();
    }

    /** The Unix socket it listens on, or null. */
    public Path socket() {
        return socket == null ? null : socket.path();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        stopped.await();
    }

    /** Closes the server when the process ends (SIGTERM, Ctrl-C): the capture detaches, the socket goes. */
    public void closeOnExit(String threadName) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, threadName));
    }

    /** Serves until the server is closed (or this thread is interrupted); for a command's main thread. */
    public void awaitClose() {
        try {
            join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
            meta.stopReadingAll(); // fetches waiting for a quiet stream's row end now, not when Jetty interrupts them
            if (flight != null) {
                flight.close();
            }
            if (http != null) {
                http.stop();
            }
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            meta.shutdown();
            close(held);
            stopped.countDown();
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // stopping anyway
        }
    }

    /** A reason the server cannot start, in one line. */
    public static final class ServeException extends Exception {
        private static final long serialVersionUID = 1L;

        public ServeException(String message) {
            super(message);
        }
    }
}
